// Finding 1, secrets: no API listens beyond loopback with the published development secret or a
// short one; the cluster profile keeps its own random secret in the data folder; development
// sign-in exists only when asked for (CORRIDOR_DEV_TOKENS) on loopback; the data folder is 0700.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync, mkdirSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { buildApi } from '../../src/api/app.ts';
import { assertApiTokenSecret, ConfigError, loadConfig } from '../../src/config/env.ts';
import { loadReferenceData } from '../../src/domain/reference-data.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { loadOrCreateLocalTokenSecret, prepareDataDir } from '../../src/cli/local-secrets.ts';
import { startStack, tempDir, type Stack } from '../harness/stack.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STRONG = 'a-deployment-secret-of-more-than-32-bytes-0123456789';

/** `corridor api` with these variables; it must refuse before connecting to Temporal. */
function runApi(env: Record<string, string>) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CORRIDOR_') && !name.startsWith('TEMPORAL_')));
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'api'], {
    env: { ...clean, TEMPORAL_ADDRESS: '127.0.0.1:1', CORRIDOR_DATA_DIR: tempDir('api-secret'), ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('secrets', () => {
  it('the API refuses to start beyond loopback with the development secret: one line naming CORRIDOR_TOKEN_SECRET', () => {
    const run = runApi({ CORRIDOR_API_HOST: '0.0.0.0' });
    assert.equal(run.status, 2, `exit ${run.status}: ${run.stderr}`);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, /CORRIDOR_TOKEN_SECRET.*development secret/);
    assert.doesNotMatch(run.stderr, /corridor-development-secret/);
  });

  it('the API refuses a secret shorter than 32 bytes beyond loopback', () => {
    const run = runApi({ CORRIDOR_API_HOST: '0.0.0.0', CORRIDOR_TOKEN_SECRET: 'only-twenty-one-byte' });
    assert.equal(run.status, 2, `exit ${run.status}: ${run.stderr}`);
    assert.match(run.stderr, /CORRIDOR_TOKEN_SECRET.*shorter than 32 bytes/);
  });

  it('buildApi refuses too, whoever builds it', async () => {
    const config = loadConfig({ CORRIDOR_API_HOST: '10.0.0.5', CORRIDOR_LOG_LEVEL: 'silent' });
    await assert.rejects(
      buildApi({ config, client: {} as Client, namespace: 'default', logger: createLogger('test', 'silent'), reference: loadReferenceData() }),
      (error: unknown) => error instanceof ConfigError && error.variable === 'CORRIDOR_TOKEN_SECRET',
    );
  });

  it('on loopback the development secret is allowed (npm start, the tests); a strong secret is allowed anywhere', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost']) assert.doesNotThrow(() => assertApiTokenSecret(loadConfig({ CORRIDOR_API_HOST: host })));
    assert.doesNotThrow(() => assertApiTokenSecret(loadConfig({ CORRIDOR_API_HOST: '0.0.0.0', CORRIDOR_TOKEN_SECRET: STRONG })));
  });

  it("the cluster profile's own token secret: random, kept, mode 0600", () => {
    const file = path.join(tempDir('cluster-secret'), 'cluster', 'token-secret');
    const first = loadOrCreateLocalTokenSecret(file);
    assert.equal(first.created, true);
    assert.ok(Buffer.byteLength(first.secret) >= 32);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(loadOrCreateLocalTokenSecret(file), { secret: first.secret, created: false });
  });

  it('the data folder is made 0700, and narrowed when it exists wider', () => {
    const fresh = path.join(tempDir('data-dir'), 'new', '.data');
    prepareDataDir(fresh);
    assert.equal(statSync(fresh).mode & 0o777, 0o700);
    const wide = path.join(tempDir('data-dir'), '.data');
    mkdirSync(wide);
    chmodSync(wide, 0o755);
    prepareDataDir(wide);
    assert.equal(statSync(wide).mode & 0o777, 0o700);
  });

  describe('development sign-in', () => {
    let without: Stack;
    before(async () => {
      without = await startStack({ env: { CORRIDOR_DEV_TOKENS: 'false' } });
    });
    after(() => without.stop());

    it('without CORRIDOR_DEV_TOKENS, even on loopback with the development secret, there is no way to mint a token over HTTP', async () => {
      assert.equal((await fetch(`${without.api}/dev/users`)).status, 404);
      const minted = await fetch(`${without.api}/dev/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'regional' }),
      });
      assert.equal(minted.status, 404);
    });
  });
});
