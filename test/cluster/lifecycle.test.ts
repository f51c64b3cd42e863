// The cluster profile end to end: Lomé → Ouagadougou on a Temporal server backed by
// PostgreSQL, the workflow worker and each country's activity worker in processes of their
// own, the server stopped and started mid-lifecycle; then what PostgreSQL holds: ciphertext
// only for the declaration, unreadable without the key, readable through the codec endpoint
// by a regional operator only.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import path from 'node:path';
import { findUiServer } from '../../src/cluster/binaries.ts';
import { startUiServer } from '../../src/cluster/ui-server.ts';
import { corridorDataConverter } from '../../src/codec/data-converter.ts';
import { ENCRYPTED_ENCODING } from '../../src/codec/encryption-codec.ts';
import { generateKeyEntry, parseKeyRing } from '../../src/codec/keys.ts';
import { fromJson, toJson } from '../../src/codec/payload-json.ts';
import type { Stack } from '../harness/stack.ts';
import { openBrowser } from '../console/helpers.ts';
import { CLEAN_LOME_OUAGA, Corridor, acts, declarationFor, tally, uniqueTin, type Lodgeable } from '../lifecycle/helpers.ts';
import { NAMESPACE, startClusterStack, type ClusterStack } from './cluster-stack.ts';
import { rowsContaining } from './plaintext.ts';

const { calls: CALLS, timeline: TIMELINE } = CLEAN_LOME_OUAGA;

// The first run on a machine builds the Temporal server (minutes); later runs find it cached.
const SETUP_TIMEOUT_MS = 30 * 60_000;

describe('cluster profile: PostgreSQL-backed Temporal, one process per worker, payloads encrypted', () => {
  let stack: ClusterStack;
  let corridor: Corridor;
  let lodged: Lodgeable;
  let mrn: string;
  let uiServer: string;

  before(
    async () => {
      stack = await startClusterStack('lifecycle');
      uiServer = await findUiServer({ say: (line) => process.stdout.write(`# ${line}\n`) });
      // The lifecycle helpers read the API, the tokens and the sandboxes' URLs: all a cluster stack has too.
      corridor = new Corridor(stack as unknown as Stack);
    },
    { timeout: SETUP_TIMEOUT_MS },
  );
  after(() => stack?.stop());

  it('Lomé → Ouagadougou to DISCHARGED with the server stopped and started right after release: nothing lost, nothing repeated', async () => {
    lodged = declarationFor('lome-ouaga', uniqueTin());
    const grn = lodged.declaration.guarantee.grn;
    const available = await corridor.available('TG', grn);
    mrn = await corridor.accepted(lodged);

    await corridor.drive(mrn, lodged.plan, 0, 1); // release: the AAR to Burkina is on its way
    await stack.cluster.restartServer();
    await corridor.drive(mrn, lodged.plan, 1);

    const state = await corridor.state(mrn);
    assert.equal(state.status, 'DISCHARGED');
    assert.deepEqual(
      state.timeline.map((e) => e.what),
      TIMELINE,
    );
    assert.equal(acts(state).AAR_SENT, 1);
    assert.deepEqual(tally(await corridor.calls('TG', mrn)), CALLS.TG);
    assert.deepEqual(tally(await corridor.calls('BF', mrn)), CALLS.BF);
    assert.equal((await corridor.record('TG', mrn)).body.state, 'WRITTEN_OFF');
    assert.equal((await corridor.record('BF', mrn)).body.state, 'DISCHARGED');
    assert.equal(await corridor.available('TG', grn), available);

    // Each worker ran in its own process, each still alive after the server came back.
    const pids = Object.values(stack.workers).map((worker) => worker.pid);
    assert.equal(new Set(pids).size, 3);
    for (const worker of Object.values(stack.workers)) assert.equal(worker.exitCode, null);

    // Visibility on PostgreSQL answers the supervisors' lists.
    const discharged = await stack.client.workflow.count(`WorkflowId = '${mrn}' AND TransitStatus = 'DISCHARGED'`);
    assert.equal(discharged.count, 1);
  });

  it('the histories in PostgreSQL hold the declaration only as ciphertext', async () => {
    assert.ok(mrn, 'the lifecycle ran');
    const json = lodged.json;
    const fields: Record<string, string> = {
      lrn: json.lrn,
      'declarant.name': json.declarant.name,
      'declarant.address.street': json.declarant.address.street,
      'principal.tin': json.principal.tin,
      'principal.name': json.principal.name,
      'carrier.tin': json.carrier.tin,
      'carrier.name': json.carrier.name,
      'transport.trailer.registration': json.transport.trailer.registration,
      'containers[0]': json.containers[0],
      'containers[1]': json.containers[1],
      'goodsItems[0].description': json.goodsItems[0].description,
      'goodsItems[1].description': json.goodsItems[1].description,
      'guarantee.grn': json.guarantee.grn,
    };
    const controls = { mrn, encoding: ENCRYPTED_ENCODING };
    const target = stack.cluster.prepared.target;
    const found = await rowsContaining(target, target.database, { ...fields, ...controls });
    for (const field of Object.keys(fields)) assert.equal(found[field], 0, `${field} found in clear in ${found[field]} row(s)`);
    // The search does find what is stored in clear: the movement's rows are there, their payloads encrypted.
    assert.ok(found.mrn! > 0, 'the MRN (workflow id) is found in clear');
    assert.ok(found.encoding! > 0, 'encrypted payloads are found');

    const visibility = await rowsContaining(target, target.visibilityDatabase, { ...fields, mrn });
    for (const field of Object.keys(fields)) assert.equal(visibility[field], 0, `${field} found in clear in the visibility store`);
    assert.ok(visibility.mrn! > 0);

    // Through Temporal's own API: the lodged declaration is an encrypted payload.
    const history = await stack.client.workflow.getHandle(mrn).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const payload = started?.input?.payloads?.[0];
    assert.equal(Buffer.from(payload?.metadata?.encoding ?? []).toString(), ENCRYPTED_ENCODING);
    assert.ok(
      !Buffer.from(payload?.data ?? [])
        .toString('latin1')
        .includes(json.declarant.name),
    );
  });

  it('the wrong key cannot read it; the right key can', async () => {
    assert.ok(mrn, 'the lifecycle ran');
    const connection = stack.client.connection;
    const withRing = (ring: string | undefined) =>
      new Client({ connection, namespace: NAMESPACE, dataConverter: corridorDataConverter(ring ? parseKeyRing(ring) : undefined) });

    const right = await withRing(stack.keyRing).workflow.getHandle(mrn).query<{ status: string; lrn: string }>('state');
    assert.equal(right.status, 'DISCHARGED');
    assert.equal(right.lrn, lodged.json.lrn);

    // Another key under the same id: authentication fails, nothing is returned.
    await assert.rejects(withRing(generateKeyEntry('test-key')).workflow.getHandle(mrn).query('state'), /failed authentication/);
    // A ring without the key: refused, naming the key it lacks.
    await assert.rejects(withRing(generateKeyEntry('other-key')).workflow.getHandle(mrn).query('state'), /test-key/);
    // No codec at all: the client cannot interpret the payload either.
    await assert.rejects(withRing(undefined).workflow.getHandle(mrn).query('state'), /binary\/encrypted|encoding/i);
  });

  it('the codec endpoint decrypts a stored payload for a regional operator, and for nobody else', async () => {
    assert.ok(mrn, 'the lifecycle ran');
    const history = await stack.client.workflow.getHandle(mrn).fetchHistory();
    const payload = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    const body = JSON.stringify(toJson([{ metadata: payload.metadata ?? {}, data: payload.data ?? new Uint8Array() }]));
    const decode = async (token: string | undefined) =>
      fetch(`${stack.api}/codec/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-namespace': NAMESPACE, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body,
      });

    const answer = await decode(await stack.token({ user: 'ops', role: 'regional' }));
    assert.equal(answer.status, 200);
    const decoded = defaultPayloadConverter.fromPayload(fromJson((await answer.json()) as never)[0]!) as { declaration: { declarant: { name: string } } };
    assert.equal(decoded.declaration.declarant.name, lodged.json.declarant.name);

    for (const token of [
      undefined,
      await stack.token({ user: 'superviseur-tg', role: 'supervisor', country: 'TG' }),
      await stack.token({ user: 'agent', role: 'officer', office: 'TGCKS001' }),
    ]) {
      const refused = await decode(token);
      assert.ok(refused.status === 401 || refused.status === 403, `status ${refused.status}`);
      assert.ok(!(await refused.text()).includes(lodged.json.declarant.name));
    }
  });

  it("Temporal's Web UI shows the declaration to an operator who opened a codec session, and only ciphertext before", async () => {
    assert.ok(mrn, 'the lifecycle ran');
    const ui = await startUiServer({
      binary: uiServer,
      temporalAddress: stack.cluster.address,
      namespace: NAMESPACE,
      port: stack.uiPort,
      codecEndpoint: `${stack.api}/codec`,
      dir: path.join(stack.dir, 'ui'),
    });
    const browser = await openBrowser();
    try {
      const page = await browser.page();
      const name = lodged.json.declarant.name as string;
      await page.goto(`${ui.url}/namespaces/${NAMESPACE}/workflows/${mrn}`);
      await page.getByText('Données chiffrées').first().waitFor();
      assert.equal(await page.getByText(name).count(), 0, 'the declarant is not shown without a session');

      await page.goto(`${stack.api}/codec/login`);
      await page.locator('textarea[name="token"]').fill(await stack.token({ user: 'ops-regional', role: 'regional' }));
      await page.locator('form button').first().click();
      await page.getByText('Session ouverte').waitFor();

      await page.goto(`${ui.url}/namespaces/${NAMESPACE}/workflows/${mrn}`);
      await page.getByText(name).first().waitFor();
      assert.equal(await page.getByText('Données chiffrées').count(), 0);
    } finally {
      await browser.close();
      await ui.stop();
    }
  });
});
