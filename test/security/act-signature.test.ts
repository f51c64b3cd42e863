// The vouch on its own, outside the workflow: what the API and a country's consumer sign, what the
// workflow's pure verifier (workflows/vouch.ts) accepts, and that any change to a signed act (its
// movement, update, update id, actor, body or time) makes the signature worthless. And the keys'
// settings: clear errors that never quote a key, and `act-keys-cli` output that loads back.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createContext, runInContext } from 'node:vm';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { ActSigner, publicKeyOf } from '../../src/auth/act-signature.ts';
import { ConfigError, loadConfig } from '../../src/config/env.ts';
import { withBundleGlobals } from '../../src/worker/bundle-globals.ts';
import type { NationalEvent } from '../../workflows/model.ts';
import { actVouchRefusal, eventVouched, VOUCH_KEYS_GLOBAL } from '../../workflows/vouch.ts';

const seeds = { corridor: randomBytes(32), TG: randomBytes(32), BF: randomBytes(32) };
// What the worker writes at the top of the bundle, here on this process's global.
(globalThis as Record<string, unknown>)[VOUCH_KEYS_GLOBAL] = Object.fromEntries(
  Object.entries(seeds).map(([voucher, seed]) => [voucher, publicKeyOf(seed).toString('hex')]),
);
const api = new ActSigner('corridor', seeds.corridor);
const MRN = '26TG0123456789ABC5';

const release = {
  actor: { user: 'agent-tglfw001', role: 'officer', office: 'TGLFW001', country: 'TG' },
  seals: ['SL-1', 'SL-2'],
  controlResult: 'SATISFACTORY',
};

function refusal(input: Record<string, unknown>, over: Partial<{ mrn: string; update: string; updateId: string; now: number }> = {}) {
  return actVouchRefusal({ mrn: MRN, update: 'release', updateId: 'key-1', input, now: Date.now(), ...over })?.code;
}

describe('vouched acts: signing and the workflow verifier', () => {
  it("accepts the API's signature of exactly this act, whatever the key order", () => {
    const vouch = api.vouchAct({ mrn: MRN, update: 'release', updateId: 'key-1', input: release });
    const reordered = { controlResult: release.controlResult, seals: release.seals, actor: { ...release.actor }, vouch };
    assert.equal(refusal(reordered), undefined);
  });

  it('refuses it for another movement, update, update id, or an hour later', () => {
    const vouch = api.vouchAct({ mrn: MRN, update: 'release', updateId: 'key-1', input: release });
    const input = { ...release, vouch };
    assert.equal(refusal(input, { mrn: '26TG0123456789ABD3' }), 'NOT_VOUCHED');
    assert.equal(refusal(input, { update: 'exit' }), 'NOT_VOUCHED');
    assert.equal(refusal(input, { updateId: 'key-2' }), 'NOT_VOUCHED');
    assert.equal(refusal(input, { now: Date.now() + 61 * 60_000 }), 'NOT_VOUCHED');
    assert.equal(refusal(input, { now: Date.now() - 10 * 60_000 }), 'NOT_VOUCHED', 'signed in the future');
  });

  it('refuses any change to the signed input (property: 500 random edits of actor and body)', () => {
    const vouch = api.vouchAct({ mrn: MRN, update: 'release', updateId: 'key-1', input: release });
    fc.assert(
      fc.property(
        fc.constantFrom('actor.user', 'actor.role', 'actor.office', 'actor.country', 'actor.tin', 'seals', 'controlResult', 'remarks'),
        fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }), fc.integer(), fc.boolean()),
        (field, value) => {
          const input = structuredClone({ ...release, vouch }) as Record<string, any>;
          const [head, tail] = field.split('.') as [string, string | undefined];
          const before = JSON.stringify(tail ? input[head][tail] : input[head]);
          fc.pre(JSON.stringify(value) !== before);
          if (tail) input[head][tail] = value;
          else input[head] = value;
          return refusal(input) === 'NOT_VOUCHED';
        },
      ),
      { numRuns: 500 },
    );
  });

  it("refuses another party's key, a made-up signature, no vouch", () => {
    const byTogo = new ActSigner('corridor', seeds.TG).vouchAct({ mrn: MRN, update: 'release', updateId: 'key-1', input: release });
    assert.equal(refusal({ ...release, vouch: byTogo }), 'NOT_VOUCHED');
    assert.equal(refusal({ ...release, vouch: { by: 'corridor', at: new Date().toISOString(), sig: 'ab'.repeat(64) } }), 'NOT_VOUCHED');
    assert.equal(refusal({ ...release, vouch: { by: 'TG', at: new Date().toISOString(), sig: byTogo.sig } }), 'NOT_VOUCHED');
    assert.equal(refusal(release), 'NOT_VOUCHED');
    assert.equal(refusal({ corridorRefused: 'PAYLOAD_IN_CLEAR' }), 'NOT_VOUCHED', 'the codec marker for a payload in clear');
  });

  it("a national event: vouched only by its own country's key, for its own movement, unchanged", () => {
    const event: NationalEvent = {
      id: 'TG-42',
      sequence: 42,
      country: 'TG',
      type: 'EXIT_CONFIRMED',
      mrn: MRN,
      office: 'TGCKS001',
      officer: 'agent-tgcks001',
      at: '2026-11-28T10:00:00.000Z',
      source: 'officer',
      data: { sealsIntact: true },
    };
    const togo = new ActSigner('TG', seeds.TG);
    assert.equal(eventVouched(MRN, event, togo.vouchEvent(event)), true);
    assert.equal(eventVouched('26TG0123456789ABD3', { ...event, mrn: '26TG0123456789ABD3' }, togo.vouchEvent(event)), false, 'another movement');
    assert.equal(eventVouched(MRN, { ...event, office: 'BFCKN001' }, togo.vouchEvent(event)), false, 'another office');
    assert.equal(eventVouched(MRN, { ...event, data: { sealsIntact: false } }, togo.vouchEvent(event)), false, 'other data');
    assert.equal(eventVouched(MRN, event, new ActSigner('BF', seeds.BF).vouchEvent(event)), false, "Burkina's consumer, Togo's event");
    assert.equal(eventVouched(MRN, event, new ActSigner('TG', seeds.BF).vouchEvent(event)), false, "Burkina's key in Togo's name");
    assert.equal(eventVouched(MRN, { ...event, country: 'BF' }, new ActSigner('BF', seeds.BF).vouchEvent(event)), false);
    assert.equal(eventVouched(MRN, event, undefined), false);
  });

  it('without injected keys (a bundle the worker did not prepare) nothing is vouched', () => {
    const keys = (globalThis as Record<string, unknown>)[VOUCH_KEYS_GLOBAL];
    delete (globalThis as Record<string, unknown>)[VOUCH_KEYS_GLOBAL];
    try {
      const vouch = api.vouchAct({ mrn: MRN, update: 'release', updateId: 'key-1', input: release });
      assert.equal(refusal({ ...release, vouch }), 'NOT_VOUCHED');
    } finally {
      (globalThis as Record<string, unknown>)[VOUCH_KEYS_GLOBAL] = keys;
    }
  });

  it('the bundle prefix defines the keys, frozen, on the first line only', () => {
    const bundle = withBundleGlobals({ code: 'line1\nline2' }, { vouchKeys: { corridor: 'ab' }, encodeFailures: true, stackFrames: 0 });
    const code = 'code' in bundle ? bundle.code : '';
    assert.equal(code.split('\n').length, 2, 'the bundle keeps its line numbers');
    assert.match(
      code,
      /^globalThis\["__corridorVouchKeys"\]=Object\.freeze\(\{"corridor":"ab"\}\);globalThis\["__corridorEncodeFailures"\]=true;Error\.stackTraceLimit=0;line1/,
    );
  });

  it("the prefix sets how many frames the sandbox's stack traces keep, and only the sandbox's", () => {
    const stackIn = (stackFrames: number) => {
      const bundle = withBundleGlobals(
        { code: 'function inner(){return new Error("x").stack} function outer(){return inner()} outer()' },
        { vouchKeys: {}, encodeFailures: false, stackFrames },
      );
      return String(runInContext('code' in bundle ? bundle.code : '', createContext({})));
    };
    assert.equal(stackIn(0), 'Error: x');
    const ten = stackIn(10).split('\n');
    assert.equal(ten[0], 'Error: x');
    assert.match(ten[1] ?? '', /at inner/);
    assert.match(ten[2] ?? '', /at outer/);
    assert.equal(stackIn(1).split('\n').length, 2);
    assert.ok(Error.stackTraceLimit > 0, "this process's own stack traces are untouched");
  });

  it('CORRIDOR_WORKFLOW_STACK_FRAMES: 0 by default, a whole number up to 100, else refused naming it', () => {
    assert.equal(loadConfig({}).workflowStackFrames, 0);
    assert.equal(loadConfig({ CORRIDOR_WORKFLOW_STACK_FRAMES: '10' }).workflowStackFrames, 10);
    for (const bad of ['-1', '2.5', 'dix', '101'])
      assert.throws(
        () => loadConfig({ CORRIDOR_WORKFLOW_STACK_FRAMES: bad }),
        (error: unknown) => error instanceof ConfigError && error.variable === 'CORRIDOR_WORKFLOW_STACK_FRAMES',
      );
  });
});

describe('act keys settings', () => {
  it('refuses malformed keys naming the variable, never quoting the key', () => {
    const secret = randomBytes(20).toString('base64');
    for (const variable of ['CORRIDOR_ACT_SIGNING_KEY', 'CORRIDOR_NATIONAL_TG_ACT_KEY']) {
      assert.throws(
        () => loadConfig({ [variable]: secret }),
        (error: unknown) => error instanceof ConfigError && error.variable === variable && !error.message.includes(secret),
      );
    }
    const one = publicKeyOf(seeds.corridor).toString('base64');
    assert.throws(
      () => loadConfig({ CORRIDOR_ACT_PUBLIC_KEYS: `corridor:${one}` }),
      (error: unknown) => error instanceof ConfigError && error.variable === 'CORRIDOR_ACT_PUBLIC_KEYS' && /TG, BF/.test(error.message),
    );
  });

  it('act-keys-cli prints a set that loads back, each public key that of its private key', () => {
    const cli = fileURLToPath(new URL('../../src/auth/act-keys-cli.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--import', 'tsx', cli], { encoding: 'utf8' });
    const env = Object.fromEntries(
      out
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const config = loadConfig(env);
    assert.deepEqual(Object.keys(config.vouching.publicKeys ?? {}).sort(), ['BF', 'TG', 'corridor']);
    assert.ok(publicKeyOf(config.vouching.signingKey!).equals(config.vouching.publicKeys!.corridor!));
    assert.ok(publicKeyOf(config.national.TG.actKey!).equals(config.vouching.publicKeys!.TG!));
    assert.ok(publicKeyOf(config.national.BF.actKey!).equals(config.vouching.publicKeys!.BF!));
  });
});
