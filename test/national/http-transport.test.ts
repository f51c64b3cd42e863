// The national client's own HTTP transport (node:http, kept-alive connections): the answer,
// the headers it sends, its timeout and the caller's abort, on a real local server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
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
