// Credentials verified once and then known until they expire: the verifier's outcome for every
// credential, with one verification per credential while it lasts (the API's tokens and the
// national system sandbox's users' credentials both go through it).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { verifiedUntilExpiry } from '../../src/auth/verified-credentials.ts';
import { callerCheck, CredentialRefused } from '../../src/national/sandbox/users.ts';

const secret = 'a-test-user-secret-of-enough-length';
const sign = (claims: Record<string, unknown>, exp?: number) => {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('agent-tglom001');
  if (exp !== undefined) jwt.setExpirationTime(exp);
  return jwt.sign(new TextEncoder().encode(secret));
};

describe('credentials verified until they expire', () => {
  test('a credential accepted once is not verified again until its exp; then it is', async () => {
    let clock = 1_000_000_000_000;
    const calls: string[] = [];
    const verify = verifiedUntilExpiry(
      async (c) => {
        calls.push(c);
        return { who: c.length };
      },
      () => clock,
    );
    const token = await sign({ role: 'officer' }, Math.floor(clock / 1000) + 60);
    const first = await verify(token);
    assert.equal(await verify(token), first);
    assert.equal(calls.length, 1);
    clock += 61_000;
    await verify(token);
    assert.equal(calls.length, 2, 'an expired entry goes back to the verifier');
  });

  test('a refusal is thrown as the verifier threw it and never kept', async () => {
    let refuse = true;
    let calls = 0;
    const verify = verifiedUntilExpiry(async () => {
      calls++;
      if (refuse) throw new Error('bad signature');
      return 'ok';
    });
    const token = await sign({ role: 'officer' });
    await assert.rejects(verify(token), /bad signature/);
    await assert.rejects(verify(token), /bad signature/);
    assert.equal(calls, 2);
    refuse = false;
    assert.equal(await verify(token), 'ok');
    assert.equal(await verify(token), 'ok');
    assert.equal(calls, 3, 'a credential without exp stays known once accepted');
  });

  test("the sandbox's callers: Corridor's token, a user's credential (the same answer from memory), refusals each time", async () => {
    const callerOf = callerCheck({ userSecret: secret, corridorToken: 'corridor-credential' });
    assert.deepEqual(await callerOf('Bearer corridor-credential'), { kind: 'interconnection' });
    const officer = await sign({ role: 'officer', office: 'TGLOM001' }, Math.floor(Date.now() / 1000) + 3600);
    const expected = { kind: 'user', sub: 'agent-tglom001', role: 'officer', office: 'TGLOM001' };
    assert.deepEqual(await callerOf(`Bearer ${officer}`), expected);
    assert.deepEqual(await callerOf(`Bearer ${officer}`), expected);
    const expired = await sign({ role: 'officer', office: 'TGLOM001' }, Math.floor(Date.now() / 1000) - 10);
    for (let i = 0; i < 2; i++)
      await assert.rejects(callerOf(`Bearer ${expired}`), (e: unknown) => e instanceof CredentialRefused && /expired/.test(e.message));
    const forged = await new SignJWT({ role: 'officer', office: 'TGLOM001' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .sign(new TextEncoder().encode('another-secret-entirely-here'));
    await assert.rejects(callerOf(`Bearer ${forged}`), CredentialRefused);
    const incomplete = await sign({ role: 'officer' });
    await assert.rejects(callerOf(`Bearer ${incomplete}`), /incomplete/);
    await assert.rejects(callerOf(undefined), /a credential is required/);
  });
});
