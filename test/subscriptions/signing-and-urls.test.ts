// The pieces of status messages to the trade that need no Temporal: the signature a receiver
// checks (the documented method), which callback URLs a subscription may name in each profile,
// the connection-time check that defeats DNS rebinding, and the retry delays.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import { pinnedLookup, vetCallbackUrl, type UrlPolicy } from '../../src/subscriptions/callback-url.ts';
import { signatureHeader, verifySignature } from '../../src/subscriptions/signature.ts';
import { backoffMs } from '../../src/subscriptions/dispatcher.ts';

const deployment: UrlPolicy = { allowLoopback: false, allowedHosts: [] };
const development: UrlPolicy = { allowLoopback: true, allowedHosts: [] };
const names: Record<string, string[]> = {
  'hooks.importateur.tg': ['41.207.160.10'],
  'intranet.transitaire.bf': ['10.1.2.3'],
  'localhost.example': ['127.0.0.1'],
  'mapped.example': ['::ffff:192.168.1.9'],
  'mixed.example': ['41.207.160.11', '169.254.169.254'],
};
const resolve = async (host: string): Promise<LookupAddress[]> => {
  const found = names[host];
  if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('the signature of a delivery', () => {
  const secret = 'whsec_test-secret';
  const body = JSON.stringify({ mrn: '26TG0A1B2C3D4E5F67', event: 'RELEASED' });

  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">, checkable with nothing but node:crypto (the README example)', () => {
    const at = new Date('2026-11-28T10:00:00Z');
    const header = signatureHeader(secret, body, at);
    const [t, v1] = header.split(',').map((p) => p.split('=')[1]);
    assert.equal(t, String(at.getTime() / 1000));
    assert.equal(v1, createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
    assert.ok(verifySignature(secret, header, body, 300, at));
  });

  it('fails on another body, another secret, a stale time, or no header', () => {
    const at = new Date('2026-11-28T10:00:00Z');
    const header = signatureHeader(secret, body, at);
    assert.equal(verifySignature(secret, header, body.replace('RELEASED', 'DISCHARGED'), 300, at), false);
    assert.equal(verifySignature('whsec_other', header, body, 300, at), false);
    assert.equal(verifySignature(secret, header, body, 300, new Date(at.getTime() + 301_000)), false);
    assert.equal(verifySignature(secret, undefined, body, 300, at), false);
    assert.equal(verifySignature(secret, 't=abc,v1=zz', body, 300, at), false);
  });
});

describe('callback URLs', () => {
  const refusedCode = async (url: string, policy: UrlPolicy) => {
    const vetted = await vetCallbackUrl(url, policy, resolve);
    return vetted.ok ? 'ALLOWED' : vetted.reason.code;
  };

  it('outside the development profile: https to public addresses only', async () => {
    assert.equal(await refusedCode('https://hooks.importateur.tg/corridor', deployment), 'ALLOWED');
    assert.equal(await refusedCode('http://hooks.importateur.tg/corridor', deployment), 'CALLBACK_URL_SCHEME');
    assert.equal(await refusedCode('https://127.0.0.1:8080/health', deployment), 'CALLBACK_ADDRESS_NOT_PUBLIC');
    assert.equal(await refusedCode('https://[::1]/x', deployment), 'CALLBACK_ADDRESS_NOT_PUBLIC');
    assert.equal(await refusedCode('https://10.0.0.7/x', deployment), 'CALLBACK_ADDRESS_NOT_PUBLIC');
    assert.equal(await refusedCode('https://169.254.169.254/latest/meta-data', deployment), 'CALLBACK_ADDRESS_NOT_PUBLIC');
    assert.equal(await refusedCode('ftp://hooks.importateur.tg/x', deployment), 'CALLBACK_URL_SCHEME');
    assert.equal(await refusedCode('https://user:pw@hooks.importateur.tg/x', deployment), 'CALLBACK_URL_CREDENTIALS');
    assert.equal(await refusedCode('not a url', deployment), 'CALLBACK_URL_INVALID');
    assert.equal(await refusedCode('https://nowhere.example/x', deployment), 'CALLBACK_HOST_UNKNOWN');
  });

  it('names are resolved before deciding: a public-looking name on a private, loopback, mapped or link-local address is refused', async () => {
    assert.equal(await refusedCode('https://intranet.transitaire.bf/x', deployment), 'CALLBACK_ADDRESS_NOT_PUBLIC');
    assert.equal(await refusedCode('https://localhost.example/x', deployment), 'CALLBACK_ADDRESS_NOT_PUBLIC');
    assert.equal(await refusedCode('https://mapped.example/x', deployment), 'CALLBACK_ADDRESS_NOT_PUBLIC');
    // One bad address among several is enough: the connection could go to any of them.
    assert.equal(await refusedCode('https://mixed.example/x', deployment), 'CALLBACK_ADDRESS_NOT_PUBLIC');
  });

  it('the embedded development profile allows loopback (http too), and still no private network', async () => {
    assert.equal(await refusedCode('http://127.0.0.1:9999/hook', development), 'ALLOWED');
    assert.equal(await refusedCode('http://[::1]:9999/hook', development), 'ALLOWED');
    assert.equal(await refusedCode('https://10.0.0.7/x', development), 'CALLBACK_ADDRESS_NOT_PUBLIC');
    assert.equal(await refusedCode('http://hooks.importateur.tg/x', development), 'CALLBACK_URL_SCHEME');
  });

  it("an operator's allow-list admits a host whatever it resolves to", async () => {
    const listed: UrlPolicy = { allowLoopback: false, allowedHosts: ['intranet.transitaire.bf'] };
    assert.equal(await refusedCode('http://intranet.transitaire.bf/x', listed), 'ALLOWED');
    assert.equal(await refusedCode('https://10.0.0.7/x', listed), 'CALLBACK_ADDRESS_NOT_PUBLIC');
  });

  it('DNS rebinding: at delivery the connection is handed only the address checked then, and a name now on loopback is refused', async () => {
    let answer = ['41.207.160.10'];
    const rebinding = async (): Promise<LookupAddress[]> => answer.map((address) => ({ address, family: 4 }));
    const lookup = pinnedLookup(deployment, rebinding);
    const call = (all: boolean) =>
      new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((done) =>
        lookup('hooks.importateur.tg', { all }, (error, address) => done({ error, address })),
      );
    assert.deepEqual((await call(true)).address, [{ address: '41.207.160.10', family: 4 }]);
    assert.equal((await call(false)).address, '41.207.160.10');
    answer = ['127.0.0.1'];
    const refused = await call(true);
    assert.equal(refused.error?.code, 'ECALLBACKREFUSED');
  });
});

describe('retries', () => {
  it('double from the first delay, capped at an hour or an eighth of the suspension delay', () => {
    const day = { retryMs: 10_000, suspendAfterMs: 86_400_000 };
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => backoffMs(n, day)),
      [10_000, 20_000, 40_000, 80_000],
    );
    assert.equal(backoffMs(20, day), 3_600_000);
    assert.equal(backoffMs(20, { retryMs: 200, suspendAfterMs: 4_000 }), 500);
  });
});
