// The link between the two sites, on its own (no corridor on it): clean it adds next to nothing;
// impaired, the emulator really delays each way and really loses the share of frames it is told
// to, and says how many; cut, nothing crosses, and restored, everything does again. What the
// slow-link test's figures rest on, measured with TCP round trips and UDP datagrams to an echo
// process at the other site.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSite, namespacesUnavailable, type Site } from '../harness/netns.ts';

const unavailable = namespacesUnavailable();
const PORT = 7007;
// The other site's echo: TCP streams back what it is sent; UDP answers each datagram.
const ECHO = `
const net = require('node:net'), dgram = require('node:dgram');
net.createServer((s) => { s.on('error', () => {}); s.pipe(s); }).listen(${PORT}, process.argv[1], () => {
  const udp = dgram.createSocket('udp4');
  udp.on('message', (m, r) => udp.send(m, r.port, r.address));
  udp.bind(${PORT}, process.argv[1], () => console.log('listening'));
});`;

let site: Site | undefined;
let echo: ChildProcess | undefined;

before(async () => {
  if (unavailable) return;
  site = createSite('link');
  echo = spawn('ip', ['netns', 'exec', site.ns, process.execPath, '-e', ECHO, site.there], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(echo.stdout!, 'data')) as [Buffer];
  assert.match(line.toString(), /listening/);
});

after(() => {
  echo?.kill('SIGKILL');
  site?.destroy();
});

/** Opens a TCP connection across the link and times `rounds` one-byte round trips on it (the handshake apart). */
async function roundTrips(rounds: number, timeoutMs = 20_000): Promise<{ connectMs: number; rttMs: number[] }> {
  const started = performance.now();
  const socket: Socket = connect({ host: site!.there, port: PORT, timeout: timeoutMs });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
      socket.once('timeout', () => reject(new Error(`no connection across the link within ${timeoutMs} ms`)));
    });
    const connectMs = performance.now() - started;
    const rttMs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const sent = performance.now();
      socket.write('x');
      await once(socket, 'data', { signal: AbortSignal.timeout(timeoutMs) });
      rttMs.push(performance.now() - sent);
    }
    return { connectMs, rttMs };
  } finally {
    socket.destroy();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

test('the link, clean, impaired, cut and restored: the emulator delays and loses as told, each way, and counts it', { skip: unavailable }, async () => {
  const s = site!;
  const clean = await roundTrips(20);
  const cleanMs = median(clean.rttMs);
  process.stdout.write(`clean link: connect ${clean.connectMs.toFixed(1)} ms, round trip median ${cleanMs.toFixed(2)} ms\n`);
  assert.ok(cleanMs < 50, `a clean link adds next to nothing: ${cleanMs} ms`);

  // 400 ms each way: a TCP round trip (and the handshake) takes 800 ms, give or take the scheduler.
  s.impair({ delayMs: 400, lossPercent: 0 });
  const slow = await roundTrips(3);
  process.stdout.write(`400 ms each way: connect ${slow.connectMs.toFixed(0)} ms, round trips ${slow.rttMs.map((ms) => ms.toFixed(0)).join(', ')} ms\n`);
  for (const ms of [slow.connectMs, ...slow.rttMs]) assert.ok(ms >= 800 && ms < 1_300, `a round trip takes twice the delay: ${ms} ms`);

  // 10 % lost each way: of 1,000 datagrams about 100 lost going, and of the 900 echoes about 90 coming back.
  s.impair({ delayMs: 0, lossPercent: 10 });
  const before = s.linkStats();
  const udp = createSocket('udp4');
  let echoed = 0;
  udp.on('message', () => echoed++);
  await new Promise<void>((resolve) => udp.bind(0, s.here, resolve));
  const SENT = 1_000;
  for (let i = 0; i < SENT; i++) {
    udp.send(`datagram ${i}`, PORT, s.there);
    // Paced, so the echo process reads as fast as they come (its socket's buffer holds a few hundred).
    if (i % 10 === 9) await sleep(10);
  }
  await sleep(1_000);
  udp.close();
  const stats = s.linkStats();
  const [going, coming] = [stats.ab, stats.ba].map((way, i) => {
    const was = i === 0 ? before.ab : before.ba;
    return { forwarded: way.forwarded - was.forwarded, lost: way.lost - was.lost, overflow: way.overflow - was.overflow };
  }) as [LinkCount, LinkCount];
  process.stdout.write(`10 % loss: ${SENT} sent, going ${JSON.stringify(going)}, coming ${JSON.stringify(coming)}, ${echoed} echoes received\n`);
  assert.equal(going.overflow + coming.overflow, 0, 'nothing dropped for want of room');
  // Each way, within four standard deviations of 10 % (about 6 % to 14 % of 1,000).
  for (const way of [going, coming]) {
    const share = way.lost / (way.lost + way.forwarded);
    assert.ok(share > 0.06 && share < 0.14, `about 10 % lost: ${(share * 100).toFixed(1)} %`);
  }
  // What the emulator counts as lost never arrived: every echo is a datagram it forwarded both ways.
  assert.ok(echoed <= coming.forwarded && echoed >= coming.forwarded - 5, `${echoed} echoes, ${coming.forwarded} frames forwarded back`);
  assert.ok(echoed < SENT * 0.88 && echoed > SENT * 0.72, `about 81 % of datagrams echoed: ${echoed}`);

  s.clearImpairment();
  const cleared = median((await roundTrips(10)).rttMs);
  assert.ok(cleared < 50, `cleared, the link is clean again: ${cleared} ms`);

  s.cut();
  await assert.rejects(roundTrips(1, 2_000), 'nothing crosses a cut link');
  s.restore();
  const restored = median((await roundTrips(5)).rttMs);
  assert.ok(restored < 50, `restored: ${restored} ms`);
});

type LinkCount = { forwarded: number; lost: number; overflow: number };
