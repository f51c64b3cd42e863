import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { hasExited, stopChild } from '../../src/process/stop-child.ts';

/** A `node -e` child that says "ready" once its signal handlers are in place. */
async function child(script: string): Promise<ChildProcess> {
  const spawned = spawn(process.execPath, ['-e', `${script}; console.log('ready'); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(spawned.stdout!, 'data')) as [Buffer];
  assert.match(chunk.toString(), /ready/);
  return spawned;
}

describe('stopChild', () => {
  test('a child that stops on SIGTERM is stopped by it, well within the grace period', async () => {
    const c = await child('');
    const started = Date.now();
    await stopChild(c, { graceMs: 10_000 });
    assert.equal(c.signalCode, 'SIGTERM');
    assert.ok(Date.now() - started < 5_000);
    assert.ok(hasExited(c));
  });

  test('a child that finishes its work on SIGTERM exits with its own code', async () => {
    const c = await child("process.on('SIGTERM', () => setTimeout(() => process.exit(3), 50))");
    await stopChild(c, { graceMs: 10_000 });
    assert.equal(c.exitCode, 3);
  });

  test('a child that ignores SIGTERM is killed after the grace period', async () => {
    const c = await child("process.on('SIGTERM', () => {})");
    const started = Date.now();
    await stopChild(c, { graceMs: 300 });
    assert.equal(c.signalCode, 'SIGKILL');
    assert.ok(Date.now() - started >= 290, 'not before the grace period');
  });

  test('another first signal can be chosen', async () => {
    const c = await child("process.on('SIGTERM', () => {}); process.on('SIGINT', () => process.exit(130))");
    await stopChild(c, { graceMs: 10_000, signal: 'SIGINT' });
    assert.equal(c.exitCode, 130);
  });

  test('a child that already exited: resolves at once, sends nothing', async () => {
    const c = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await once(c, 'exit');
    await stopChild(c, { graceMs: 10_000 });
    assert.equal(c.killed, false);
    assert.equal(c.exitCode, 0);
  });

  test('a child that never started: resolves at once', async () => {
    const c = spawn('/nonexistent/corridor-binary', [], { stdio: 'ignore' });
    c.on('error', () => undefined);
    await stopChild(c, { graceMs: 10_000 });
    assert.equal(c.pid, undefined);
  });
});
