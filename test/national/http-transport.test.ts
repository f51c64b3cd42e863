// The national client's own HTTP transport (node:http, kept-alive connections): the answer,
// the headers it sends, its timeout and the caller's abort, on a real local server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createHttpTransport, ExchangeTimeout } from '../../src/national/http-transport.ts';
import { createHttpNationalClient, NationalUnavailable } from '../../src/national/client.ts';

async function server(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const s = http.createServer(handler);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, close: () => new Promise((r) => s.close(() => r())) };
}

test('sends method, headers and body; reads status and text; reuses the connection', async (t) => {
  const ports = new Set<number>();
  const s = await server((req, res) => {
    ports.add(req.socket.remotePort!);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () =>
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, auth: req.headers.authorization, body })),
    );
  });
  const transport = createHttpTransport();
  t.after(async () => {
    transport.close();
    await s.close();
  });
  for (let i = 0; i < 3; i++) {
    const answer = await transport.send(`${s.url}/x`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: '{"a":1}', timeoutMs: 2000 });
    assert.equal(answer.status, 201);
    assert.deepEqual(JSON.parse(answer.text), { method: 'POST', auth: 'Bearer k', body: '{"a":1}' });
  }
  assert.equal(ports.size, 1, 'one kept-alive connection for three calls');
});

test('a slow answer is an ExchangeTimeout; the caller abort passes its own reason through', async (t) => {
  const s = await server(() => undefined);
  const transport = createHttpTransport();
  t.after(async () => {
    transport.close();
    await s.close();
  });
  await assert.rejects(transport.send(`${s.url}/slow`, { method: 'GET', headers: {}, timeoutMs: 100 }), ExchangeTimeout);
  const controller = new AbortController();
  const reason = new Error('activity cancelled');
  setTimeout(() => controller.abort(reason), 50);
  await assert.rejects(transport.send(`${s.url}/slow`, { method: 'GET', headers: {}, timeoutMs: 5000, signal: controller.signal }), (e) => e === reason);
});

test('the client sends its configured headers with every call and maps a timeout to NationalUnavailable', async (t) => {
  const seen: (string | undefined)[] = [];
  const s = await server((req) => seen.push(req.headers.authorization));
  t.after(() => s.close());
  const client = createHttpNationalClient({ country: 'TG', baseUrl: s.url, timeoutMs: 100, headers: { authorization: 'Bearer tg' } });
  await assert.rejects(client.health(), NationalUnavailable);
  assert.deepEqual(seen, ['Bearer tg']);
});

test('a call that goes out on a kept-alive connection the server has just closed goes again on a new one', async (t) => {
  // The server answers each connection's first call and resets the connection on its second, as a
  // server does that closes an idle connection at the moment the client reuses it.
  const connections: number[] = [];
  const s = net.createServer((socket) => {
    const index = connections.push(0) - 1;
    socket.on('data', (chunk) => {
      if (!chunk.toString().includes('\r\n\r\n')) return;
      connections[index]! += 1;
      if (connections[index] === 1) socket.write('HTTP/1.1 200 OK\r\nconnection: keep-alive\r\ncontent-length: 2\r\n\r\nok');
      else socket.resetAndDestroy();
    });
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/x`;
  const transport = createHttpTransport();
  t.after(async () => {
    transport.close();
    await new Promise((r) => s.close(r));
  });
  const call = () => transport.send(url, { method: 'POST', headers: { 'idempotency-key': 'k1' }, body: '{}', timeoutMs: 2000 });
  assert.equal((await call()).text, 'ok');
  const again = await call();
  assert.equal(again.status, 200);
  assert.equal(again.text, 'ok');
  assert.deepEqual(connections, [2, 1], 'the second call was cut on the first connection and answered on a new one');
});

test('a connection unused for longer than its idle limit is closed by the client, not left to the server', async (t) => {
  const ports: number[] = [];
  const s = await server((req, res) => {
    ports.push(req.socket.remotePort!);
    if (req.url === '/slow') setTimeout(() => res.end('late'), 400);
    else res.end('ok');
  });
  const transport = createHttpTransport({ idleConnectionMs: 150 });
  t.after(async () => {
    transport.close();
    await s.close();
  });
  const call = () => transport.send(`${s.url}/x`, { method: 'GET', headers: {}, timeoutMs: 2000 });
  await call();
  await call();
  await new Promise((r) => setTimeout(r, 500));
  await call();
  assert.equal(ports[0], ports[1], 'reused while in use');
  // The limit is for idle connections only: a journal read waits on its answer for seconds.
  const slow = await transport.send(`${s.url}/slow`, { method: 'GET', headers: {}, timeoutMs: 2000 }).catch((e: Error) => e);
  assert.ok(!(slow instanceof Error), `a call slower than the idle limit is answered (${slow})`);
  assert.notEqual(ports[2], ports[0], 'a new connection after the idle limit (the server keeps its own for 5 s)');
});
