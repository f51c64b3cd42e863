// The driver of `npm run simulate` and the benchmark answers a 202 (lodging still registering, an
// act still in progress) as a declarant's or an officer's software would: it asks again with the
// same idempotency key until the API has the answer, and the time it reports runs from the first send.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ApiAnswer, type ApiClient, driveLifecycle } from '../../src/simulation/lifecycle.ts';
import { exampleDeclaration } from '../../src/simulation/simulate.ts';

interface Sent {
  path: string;
  key: string | undefined;
}

/** An API that answers 202 to the first `busy[path]` sends of a path, then 200. */
function apiStillBusyFor(busy: Record<string, number>) {
  const sent: Sent[] = [];
  const api = {
    async call(_method: string, path: string, _actor: unknown, _body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
      sent.push({ path, key: headers['idempotency-key'] });
      const sentAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const left = busy[path] ?? 0;
      if (left > 0) {
        busy[path] = left - 1;
        return { status: 202, body: { mrn: '26TG00000000000031', status: 'PROCESSING' }, ms: 5, sentAt };
      }
      const lodging = path === '/transits';
      return { status: 200, body: { mrn: '26TG00000000000031', status: lodging ? 'ACCEPTED' : 'RELEASED' }, ms: 5, sentAt };
    },
  } as unknown as ApiClient;
  return { api, sent };
}

describe('the lifecycle driver', () => {
  test('asks again after a 202, with the same idempotency key, and times the act from its first send', async () => {
    const { declaration, plan } = exampleDeclaration('lome-ouaga');
    const release = '/transits/26TG00000000000031/release';
    const { api, sent } = apiStillBusyFor({ '/transits': 2, [release]: 1 });
    const outcome = await driveLifecycle(api, declaration, plan);

    const lodgings = sent.filter((s) => s.path === '/transits');
    assert.equal(lodgings.length, 3, 'two 202s, then the answer');
    assert.equal(new Set(lodgings.map((s) => s.key)).size, 1, 'every lodging sent again under its first key');
    const releases = sent.filter((s) => s.path === release);
    assert.equal(releases.length, 2);
    assert.equal(new Set(releases.map((s) => s.key)).size, 1);
    assert.notEqual(releases[0]!.key, lodgings[0]!.key, 'each act has its own key');
    assert.ok(
      outcome.steps.every((s) => s.status === 200),
      JSON.stringify(outcome.steps),
    );
    // Two waits between three sends: the lodging's time covers them, not the last send's 5 ms.
    assert.ok(outcome.lodgeMs >= 400, `lodging timed ${outcome.lodgeMs} ms`);
    assert.ok(outcome.steps[0]!.ms >= 200, `release timed ${outcome.steps[0]!.ms} ms`);
  });
});
