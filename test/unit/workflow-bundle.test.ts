// The modules the workflow bundle preloads are evaluated once per worker and shared by every
// movement (src/worker/bundle.ts). That is safe only for modules that hold no state of a movement
// and pull in nothing of @temporalio/workflow beyond what the SDK itself shares at start-up: a
// preloaded module importing `@temporalio/workflow` would share the SDK's per-workflow module
// with every movement. Checked on the run's own bundle, as webpack wrote it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { PRELOADED_MODULES } from '../../src/worker/bundle.ts';
import { workflowBundlePath } from '../harness/stack.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const code = readFileSync(workflowBundlePath(), 'utf8');

/** webpack's module id → the ids it requires, from the bundle's `/***\/ "id":` sections. */
function moduleGraph(bundle: string): Map<string, Set<string>> {
  const starts = [...bundle.matchAll(/^\/\*\*\*\/ "([^"]+)"/gm)].map((m) => ({ id: m[1]!, at: m.index! }));
  const entryAt = bundle.indexOf('let __webpack_exports__ = {};');
  const graph = new Map<string, Set<string>>();
  starts.forEach(({ id, at }, i) => {
    const body = bundle.slice(at, starts[i + 1]?.at ?? entryAt);
    graph.set(id, new Set([...body.matchAll(/__webpack_require__\([^)]*?"([^"]+)"\)/g)].map((m) => m[1]!)));
  });
  return graph;
}

function closure(graph: Map<string, Set<string>>, roots: string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(graph.get(id) ?? []));
  }
  return seen;
}

const graph = moduleGraph(code);
const entry = code.slice(code.indexOf('let __webpack_exports__ = {};'));
const idOf = (file: string) => `./${path.relative(ROOT, file).split(path.sep).join('/')}`;
const preloaded = PRELOADED_MODULES.map(idOf);
const preloadBody = /exports\.preloadModules = function preloadModules\(\) \{([\s\S]*?)\n\}/.exec(entry)?.[1] ?? '';
// What the SDK's entry loads before any workflow exists: shared by the SDK's own design.
const sdkShared = closure(
  graph,
  [...entry.slice(0, entry.indexOf('exports.preloadModules')).matchAll(/__webpack_require__\([^)]*?"([^"]+)"\)/g)].map((m) => m[1]!),
);

describe('the workflow bundle shares only stateless modules between movements', () => {
  test('the bundle preloads every module on the list, and the graph is read', () => {
    assert.ok(graph.size > 50, `modules read from the bundle: ${graph.size}`);
    assert.ok(sdkShared.has('./node_modules/@temporalio/workflow/lib/worker-interface.js'));
    for (const id of preloaded) {
      assert.ok(graph.has(id), `${id} is in the bundle`);
      assert.ok(preloadBody.includes(`"${id}"`), `${id} is preloaded by the bundle's entry`);
    }
  });

  test('no preloaded module pulls in a per-workflow module of @temporalio/workflow', () => {
    for (const id of preloaded) {
      const pulled = [...closure(graph, [id])].filter((m) => m.startsWith('./node_modules/@temporalio/workflow/') && !sdkShared.has(m));
      assert.deepEqual(pulled, [], `${id} would share these with every movement`);
    }
  });

  test('every Corridor module a preloaded module pulls in is on the list, so none is shared unseen', () => {
    const pulledIn = new Set(preloaded.flatMap((id) => [...closure(graph, [id])]));
    const corridorOnes = [...pulledIn].filter((id) => !id.startsWith('./node_modules/'));
    assert.deepEqual(
      corridorOnes.filter((id) => !preloaded.includes(id)),
      [],
    );
  });

  test('preloaded Corridor modules hold no mutable binding at their top level', () => {
    for (const file of PRELOADED_MODULES) {
      const source = readFileSync(file, 'utf8');
      const mutable = [...source.matchAll(/^(?:export )?(?:let|var) \w+/gm)].map((m) => m[0]);
      assert.deepEqual(mutable, [], `${idOf(file)} has top-level ${mutable.join(', ')}`);
      const collections = [...source.matchAll(/^(?:export )?const (\w+)(?:: [^=]+)? = new (?:Map|Set|WeakMap|WeakSet)\b/gm)].map((m) => m[1]);
      // vouch-crypto's per-key tables: derived from public keys only, the same in every movement.
      const allowed = idOf(file) === './workflows/vouch-crypto.ts' ? ['tables'] : [];
      assert.deepEqual(collections, allowed, `${idOf(file)} keeps a collection at its top level`);
    }
  });

  test('the check catches a module that pulls in @temporalio/workflow', () => {
    const pulled = [...closure(graph, ['./workflows/movement.ts'])].filter((m) => m.startsWith('./node_modules/@temporalio/workflow/') && !sdkShared.has(m));
    assert.ok(pulled.includes('./node_modules/@temporalio/workflow/lib/index.js'), pulled.join(', '));
  });
});
