// What people see of the interconnection: each country's journal (backlog, lag, readable) on
// GET /interconnection, /health red naming the country whose journal cannot be read, and the
// Prometheus figures: journal gauges and the forwarding latency histogram, from a lifecycle
// driven only through the national systems.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEVELOPMENT_USER_SECRET } from '../../src/national/sandbox/users.ts';
import { NationalScreens } from '../../src/simulation/national-screens.ts';
import type { JournalStatus } from '../../src/interconnection/journal-status.ts';
import type { ForwardingFigures } from '../../src/interconnection/forwarding.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, declarationFor, eventually, sealsFor, stepsFor, uniqueTin } from '../lifecycle/helpers.ts';

let stack: Stack;
let corridor: Corridor;
let screens: NationalScreens;
let mrn: string;

interface Interconnection {
  journals: JournalStatus[];
  forwarding: ForwardingFigures[];
}

const get = async <T>(path: string, token?: string) => {
  const response = await fetch(`${stack.api}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: (response.headers.get('content-type')?.includes('json') ? await response.json() : await response.text()) as T };
};

before(async () => {
  stack = await startStack();
  corridor = new Corridor(stack);
  screens = new NationalScreens({ TG: stack.sandboxes.TG.url, BF: stack.sandboxes.BF.url }, DEVELOPMENT_USER_SECRET);
  const d = declarationFor('lome-ouaga', uniqueTin());
  const lodged = await screens.lodge('TG', d.declaration.declarant.tin, d.json);
  assert.equal(lodged.status, 201, JSON.stringify(lodged.body));
  mrn = lodged.body.mrn;
  await eventually(
    () => corridor.api.call('GET', `/transits/${mrn}`, { user: 'regional', role: 'regional' }),
    (a) => a.status === 200,
    'movement started',
  );
  await screens.drive(mrn, d.plan, stepsFor(d.plan, sealsFor(mrn)));
  await eventually(
    () => corridor.state(mrn),
    (s) => s.status === 'DISCHARGED',
    'discharged',
    30_000,
  );
});
after(() => stack?.stop());

describe('the interconnection, as people and Prometheus see it', () => {
  test('GET /interconnection: both journals read and caught up; forwarding latency per direction', async () => {
    const regional = await stack.regional();
    // The consumer's heartbeat reaches the server at most every 16 s (the SDK throttles it).
    const answer = await eventually(
      () => get<Interconnection>('/interconnection', regional),
      (a) => a.status === 200 && a.body.journals.every((j) => j.state === 'ok' && j.backlog === 0 && (j.cursor ?? 0) > 0) && a.body.forwarding.length === 2,
      'journals caught up and forwards projected',
      30_000,
    );
    for (const journal of answer.body.journals) {
      assert.equal(journal.lagSeconds, 0, JSON.stringify(journal));
      assert.ok((journal.cursor ?? 0) > 0 && journal.cursor === journal.head, JSON.stringify(journal));
    }
    const [bfToTg, tgToBf] = answer.body.forwarding;
    // Togo → Burkina: the AAR at release and the exit notice; Burkina → Togo: the entry notice and the write-off.
    assert.deepEqual([tgToBf!.from, tgToBf!.to, tgToBf!.count], ['TG', 'BF', 2]);
    assert.deepEqual([bfToTg!.from, bfToTg!.to, bfToTg!.count], ['BF', 'TG', 2]);
    for (const f of answer.body.forwarding) assert.ok(f.p50Seconds >= 0 && f.p99Seconds >= f.p50Seconds && f.p99Seconds < 60, JSON.stringify(f));
    // A declarant does not read the interconnection.
    assert.equal((await get('/interconnection', await stack.declarant('1000000000001'))).status, 403);
  });

  test('/metrics: journal gauges and the forwarding latency histogram', async () => {
    const metrics = await eventually(
      () => get<string>('/metrics'),
      (a) => a.status === 200 && /corridor_forwarding_latency_seconds_count\{from="TG",to="BF",act="RELEASED"\} 1/.test(a.body),
      'forwarding histogram',
    );
    for (const act of ['RELEASED', 'EXIT_CONFIRMED'])
      assert.match(metrics.body, new RegExp(`corridor_forwarding_latency_seconds_count\\{from="TG",to="BF",act="${act}"\\} 1`));
    for (const act of ['ENTRY_ACCEPTED', 'DISCHARGED'])
      assert.match(metrics.body, new RegExp(`corridor_forwarding_latency_seconds_count\\{from="BF",to="TG",act="${act}"\\} 1`));
    for (const country of ['TG', 'BF']) {
      assert.match(metrics.body, new RegExp(`corridor_journal_backlog_events\\{country="${country}"\\} 0`));
      assert.match(metrics.body, new RegExp(`corridor_journal_lag_seconds\\{country="${country}"\\} 0`));
      assert.match(metrics.body, new RegExp(`corridor_journal_readable\\{country="${country}"\\} 1`));
    }
  });

  test('/health turns red naming the country whose journal cannot be read, and green again when it can', async () => {
    const regional = await stack.regional();
    type Health = { status: string; failing: string[]; parts: Record<string, { ok: boolean; detail: string }> };
    await eventually(
      () => get<Health>('/health', regional),
      (a) => a.status === 200,
      'healthy to begin with',
    );
    // Togo's system answers 503 to every contract call (its journal included) for a while.
    const now = Date.now();
    await corridor.setFaults('TG', { outage: { from: new Date(now).toISOString(), to: new Date(now + 10 * 60_000).toISOString() } });
    try {
      const red = await eventually(
        () => get<Health>('/health', regional),
        (a) => a.status === 503,
        'red while Togo’s journal cannot be read',
        60_000,
      );
      assert.deepEqual(red.body.failing, ['journal-TG']);
      assert.match(red.body.parts['journal-TG']!.detail, /journal du Togo illisible/);
      assert.match(red.body.parts['journal-TG']!.detail, /503/);
      // The anonymous verdict says only red.
      assert.deepEqual((await get('/health')).body, { status: 'degraded' });
      const metrics = await get<string>('/metrics');
      assert.match(metrics.body, /corridor_journal_readable\{country="TG"\} 0/);
    } finally {
      await corridor.setFaults('TG', { outage: null });
    }
    await eventually(
      () => get<Health>('/health', regional),
      (a) => a.status === 200,
      'green again',
      90_000,
    );
  });
});
