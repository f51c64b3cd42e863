// The national activities, run outside Temporal with a stand-in activity context: the
// idempotency key is workflowId:activityId, refusals become non-retryable failures with a
// machine-readable code, everything else retryable, and a retry after a lost answer lands
// on the first answer. (The same retry through a real Temporal server is the lead's harness test.)
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/activity';
import { pino } from 'pino';
import { createNationalActivities, idempotencyKeyOf, nationalFailureTypes, type NationalActivityContext } from '../../activities/national.ts';
import { createHttpNationalClient } from '../../src/national/client.ts';
import { operationNames } from '../../src/national/contract.ts';
import { atRisk, balance, bigGuarantee, calls, declaration, http, movement, newMrn, post, sandbox, silent, smallGuarantee } from './helpers.ts';

const G = bigGuarantee.TG.grn;

/** A stand-in for Context.current(): the test says which workflow, activity and attempt is running. */
function fakeContext(workflowId: string) {
  const current = { activityId: '1', attempt: 1 };
  const context = (): NationalActivityContext => ({
    info: { activityId: current.activityId, attempt: current.attempt, workflowExecution: { workflowId } },
  });
  return { context, current };
}

function logCapture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** The activities of one country's sandbox, run with the test's stand-in context. */
function activitiesAt(sb: { url: string }, context: () => NationalActivityContext, country: 'TG' | 'BF' = 'TG') {
  return createNationalActivities(createHttpNationalClient({ country, baseUrl: sb.url, timeoutMs: 2_000 }), silent, { context });
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the activity to fail');
}

describe('national activities', () => {
  test('one activity per operation, named exactly like it, and the two pairs (registration and reservation, control results and discharge)', () => {
    const client = createHttpNationalClient({ country: 'TG', baseUrl: 'http://tg.invalid', timeoutMs: 100 });
    const activities = createNationalActivities(client, silent);
    assert.deepEqual(Object.keys(activities).sort(), [...operationNames, 'recordControlResultsAndDischarge', 'registerAndReserve'].sort());
  });

  test('registration and reservation in one activity: each call under its own key, a retry lands on both first answers, a refused reservation comes back as a value', async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    const { context, current } = fakeContext(mrn);
    const activities = activitiesAt(sb, context);
    const decl = declaration([1_000_000]);
    const input = { register: { mrn, lrn: String(decl.lrn), declarantTin: '1000555555', declaration: decl }, reserve: { mrn, grn: G, accessCode: '1234' } };
    const first = await activities.registerAndReserve(input);
    assert.equal(first.registered.state, 'REGISTERED');
    assert.ok(!('refusal' in first.reserved), JSON.stringify(first.reserved));
    assert.equal(first.reserved.amountXof, 325_140);
    current.attempt = 2;
    assert.deepEqual(await activities.registerAndReserve(input), first);
    assert.deepEqual(
      (await calls(sb, `?mrn=${mrn}`)).map((c) => [c.operation, c.idempotencyKey, c.replays]),
      [
        ['registerDeclaration', `${mrn}:1:register`, 1],
        ['reserveGuarantee', `${mrn}:1:reserve`, 1],
      ],
    );

    // A guarantee too small: the declaration stays registered, the refusal is the workflow's to act on.
    const short = newMrn();
    const small = activitiesAt(sb, fakeContext(short).context);
    const refused = await small.registerAndReserve({
      register: { mrn: short, lrn: 'L', declarantTin: 'T', declaration: declaration([9_000_000], smallGuarantee) },
      reserve: { mrn: short, ...smallGuarantee },
    });
    assert.equal(refused.registered.state, 'REGISTERED');
    assert.ok('refusal' in refused.reserved, JSON.stringify(refused.reserved));
    assert.equal(refused.reserved.refusal.code, 'GUARANTEE_INSUFFICIENT');
  });

  test('the control results and the discharge in one activity: each call under its own key, a retry lands on both first answers, a refused discharge comes back as a value', async (t) => {
    const sb = await sandbox(t, { country: 'BF' });
    const arrived = async (mrn: string) => {
      const received = await post(sb, `/v1/movements/${mrn}/aar`, {
        departureCountry: 'TG',
        departureReference: 'TG-2026-000001',
        lrn: `LRN-${mrn}`,
        declarantTin: '1000555555',
        declaration: declaration(),
        seals: ['TG-S-0001'],
        timeLimit: new Date(Date.now() + 86_400_000).toISOString(),
      });
      assert.equal(received.status, 201, received.text);
      for (const [route, office] of [
        ['entry', 'BFCKN001'],
        ['arrival', 'BFOUA001'],
      ] as const) {
        const answer = await post(sb, `/v1/movements/${mrn}/${route}`, { office, sealsIntact: true });
        assert.equal(answer.status, 200, `${route}: ${answer.text}`);
      }
    };
    const results = (mrn: string, controlResult: 'SATISFACTORY' | 'DISCREPANCIES') => ({
      mrn,
      office: 'BFOUA001',
      controlResult,
      sealsIntact: controlResult === 'SATISFACTORY',
      discrepancies: controlResult === 'SATISFACTORY' ? [] : ['scellé rompu'],
      at: new Date().toISOString(),
    });
    const stateOf = (answer: unknown) => (answer as { state: string }).state;

    const mrn = newMrn('TG');
    await arrived(mrn);
    const { context, current } = fakeContext(mrn);
    const activities = activitiesAt(sb, context, 'BF');
    // A retry carries the same input: Temporal keeps it in the history.
    const input = { results: results(mrn, 'SATISFACTORY'), discharge: { mrn, office: 'BFOUA001' } };
    const first = await activities.recordControlResultsAndDischarge(input);
    assert.equal(stateOf(first.recorded), 'CONTROLLED');
    assert.equal(stateOf(first.discharged), 'DISCHARGED');
    current.attempt = 2;
    const retried = await activities.recordControlResultsAndDischarge(input);
    assert.deepEqual(retried, first);
    const made = (await calls(sb)).filter((c) => c.idempotencyKey.startsWith(`${mrn}:`));
    assert.deepEqual(
      made.map((c) => [c.operation, c.idempotencyKey, c.replays]),
      [
        ['recordControlResults', `${mrn}:1:results`, 1],
        ['discharge', `${mrn}:1:discharge`, 1],
      ],
    );
    assert.equal((await movement(sb, mrn)).state, 'DISCHARGED');

    // Discrepancies hold the movement: the results stand, the discharge is refused and said so.
    const held = newMrn('TG');
    await arrived(held);
    const heldActivities = activitiesAt(sb, fakeContext(held).context, 'BF');
    const refused = await heldActivities.recordControlResultsAndDischarge({
      results: results(held, 'DISCREPANCIES'),
      discharge: { mrn: held, office: 'BFOUA001' },
    });
    assert.equal(stateOf(refused.recorded), 'HELD');
    assert.ok('refusal' in refused.discharged, JSON.stringify(refused.discharged));
    assert.equal(refused.discharged.refusal.code, 'MOVEMENT_STATE');
    assert.equal((await movement(sb, held)).state, 'HELD');

    // Results the system refuses fail the activity as any refusal does: nothing is discharged.
    const early = newMrn('TG');
    const unknown = activitiesAt(sb, fakeContext(early).context, 'BF');
    const failure = await failureOf(
      unknown.recordControlResultsAndDischarge({ results: results(early, 'SATISFACTORY'), discharge: { mrn: early, office: 'BFOUA001' } }),
    );
    assert.equal(failure.type, nationalFailureTypes.refusal);
    assert.equal(
      (await calls(sb))
        .filter((c) => c.idempotencyKey.startsWith(`${early}:`))
        .map((c) => c.operation)
        .join(),
      'recordControlResults',
    );
  });

  test('the idempotency key is workflowId:activityId, the same for every attempt', async (t) => {
    assert.equal(idempotencyKeyOf({ activityId: '7', attempt: 3, workflowExecution: { workflowId: '26TGABC' } }), '26TGABC:7');
    const sb = await sandbox(t);
    const mrn = newMrn();
    const { context, current } = fakeContext(mrn);
    const activities = activitiesAt(sb, context);
    const decl = declaration([1_000_000]);
    current.activityId = '1';
    const registered = await activities.registerDeclaration({ mrn, lrn: String(decl.lrn), declarantTin: '1000555555', declaration: decl });
    assert.equal(registered.state, 'REGISTERED');
    current.activityId = '2';
    const reserved = await activities.reserveGuarantee({ mrn, grn: G, accessCode: '1234' });
    assert.equal(reserved.amountXof, 325_140);
    // A plain JSON result: what the workflow history will hold.
    assert.deepEqual(JSON.parse(JSON.stringify(reserved)), reserved);
    assert.deepEqual(
      (await calls(sb, `?mrn=${mrn}`)).map((c) => c.idempotencyKey),
      [`${mrn}:1`, `${mrn}:2`],
    );
    // Reads carry no key and change nothing.
    current.activityId = '3';
    assert.equal((await activities.getMovement({ mrn })).state, 'GUARANTEED');
    assert.equal((await calls(sb)).length, 2);
  });

  test('a business refusal is a non-retryable NationalRefusal whose details carry the code', async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    const { context, current } = fakeContext(mrn);
    const activities = activitiesAt(sb, context);
    await activities.registerDeclaration({ mrn, lrn: 'L', declarantTin: 'T', declaration: declaration([9_000_000], smallGuarantee) });
    current.activityId = '2';
    const failure = await failureOf(activities.reserveGuarantee({ mrn, ...smallGuarantee }));
    assert.equal(failure.type, 'NationalRefusal');
    assert.equal(failure.type, nationalFailureTypes.refusal);
    assert.equal(failure.nonRetryable, true);
    const details = failure.details?.[0] as { code: string; reason: string; country: string; operation: string };
    assert.equal(details.code, 'GUARANTEE_INSUFFICIENT');
    assert.match(details.reason, /exceeds/);
    assert.equal(details.country, 'TG');
    assert.equal(details.operation, 'reserveGuarantee');
    // The message, kept in clear where failures are not encrypted, names the refusal but none of its figures (issue 18).
    assert.equal(failure.message, 'reserveGuarantee: refused by the TG system (GUARANTEE_INSUFFICIENT)');
    assert.doesNotMatch(failure.message, /XOF|\d{3},\d{3}/);
  });

  test('an unavailable system is a retryable NationalUnavailable', async (t) => {
    const sb = await sandbox(t, { faults: { errorRate: 1 } });
    const { context } = fakeContext('wf');
    const activities = activitiesAt(sb, context);
    const failure = await failureOf(activities.writeOff({ mrn: newMrn() }));
    assert.equal(failure.type, 'NationalUnavailable');
    assert.equal(failure.nonRetryable, false);
  });

  test('a contract disagreement is a non-retryable NationalProtocolError', async (t) => {
    const sb = await sandbox(t);
    const { context } = fakeContext('wf');
    const activities = activitiesAt(sb, context);
    const failure = await failureOf(activities.recordArrival({ mrn: 'not-an-mrn', office: 'TGLFW001', sealsIntact: true }));
    assert.equal(failure.type, 'NationalProtocolError');
    assert.equal(failure.nonRetryable, true);
  });

  test('the answer is checked against the contract before it reaches the workflow', async () => {
    const { context } = fakeContext('wf');
    const lying = {
      country: 'TG',
      writeOff: async () => ({ mrn: 'x', reference: 'r', country: 'TG', role: 'DEPARTURE', state: 'SOMEWHERE' }),
    } as unknown as Parameters<typeof createNationalActivities>[0];
    const failure = await failureOf(createNationalActivities(lying, silent, { context }).writeOff({ mrn: newMrn() }));
    assert.equal(failure.type, 'NationalProtocolError');
    assert.equal(failure.nonRetryable, true);
  });

  test('the answer is lost after commit; the retried attempt lands on the first answer: one record, one reservation', async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    const { context, current } = fakeContext(mrn);
    const activities = createNationalActivities(createHttpNationalClient({ country: 'TG', baseUrl: sb.url, timeoutMs: 150 }), silent, { context });
    const decl = declaration([4_000_000]);
    await http(sb, 'PUT', '/admin/faults', { delayAfterCommitMs: 500 });

    current.activityId = '1';
    const lostRegister = await failureOf(activities.registerDeclaration({ mrn, lrn: String(decl.lrn), declarantTin: 'T', declaration: decl }));
    assert.equal(lostRegister.type, 'NationalUnavailable');
    assert.equal(lostRegister.nonRetryable, false);
    current.activityId = '2';
    const lostReserve = await failureOf(activities.reserveGuarantee({ mrn, grn: G, accessCode: '1234' }));
    assert.equal(lostReserve.type, 'NationalUnavailable');

    await http(sb, 'PUT', '/admin/faults', {});
    current.activityId = '1';
    current.attempt = 2;
    const registered = await activities.registerDeclaration({ mrn, lrn: String(decl.lrn), declarantTin: 'T', declaration: decl });
    current.activityId = '2';
    const reserved = await activities.reserveGuarantee({ mrn, grn: G, accessCode: '1234' });

    const accepted = await calls(sb, `?mrn=${mrn}`);
    assert.deepEqual(
      accepted.map((c) => [c.idempotencyKey, c.replays]),
      [
        [`${mrn}:1`, 1],
        [`${mrn}:2`, 1],
      ],
    );
    assert.deepEqual(registered, accepted[0]!.answer);
    assert.deepEqual(reserved, accepted[1]!.answer);
    assert.equal((await http(sb, 'GET', '/admin/movements')).json.movements.length, 1, 'one record');
    const g = await balance(sb, G);
    assert.equal(g.reservationCounts.reserved, 1, 'one reservation');
    assert.equal(g.reservedXof, atRisk('TG', [4_000_000]));
    assert.equal((await movement(sb, mrn)).events.length, 2);
  });

  test('every log line about a movement carries its MRN', async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    const { context, current } = fakeContext(mrn);
    const { logger, lines } = logCapture();
    const activities = createNationalActivities(createHttpNationalClient({ country: 'TG', baseUrl: sb.url, timeoutMs: 2_000 }), logger, { context });
    await activities.registerDeclaration({ mrn, lrn: 'L', declarantTin: 'T', declaration: declaration([9_000_000], smallGuarantee) });
    current.activityId = '2';
    await failureOf(activities.reserveGuarantee({ mrn, ...smallGuarantee }));
    assert.equal(lines.length, 2);
    for (const line of lines) {
      assert.equal(line.mrn, mrn);
      assert.equal(line.country, 'TG');
    }
    assert.equal(lines[0]!.operation, 'registerDeclaration');
    assert.equal(lines[0]!.idempotencyKey, `${mrn}:1`);
    assert.equal(lines[1]!.code, 'GUARANTEE_INSUFFICIENT');
  });
});
