// The server's profile (bench --server-profile): perf's samples put to the operation they were
// work for, whatever the stack's depth, and summed as CPU milliseconds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { operationOf, operationsOf, profileRows, type ServerProfile } from '../../bench/lib/server-profile.ts';
import { renderChart } from '../../bench/lib/chart.ts';
import { renderTable } from '../../bench/lib/table.ts';
import type { BenchResult } from '../../bench/lib/result.ts';

// Three samples as `perf script -F comm,tid,period,ip,sym` prints them (frames leaf first; cut short).
const SCRIPT = `temporal 30350    5025125 
	         138b093 modernc.org/sqlite/lib._sqlite3VdbeRecordCompareWithSkip
	          adefa9 github.com/jmoiron/sqlx.SelectContext
	         232156a go.temporal.io/server/service/history/api/recordworkflowtaskstarted.Invoke
	          b9976e go.temporal.io/server/api/historyservice/v1._HistoryService_RecordWorkflowTaskStarted_Handler.func1
	         1d0a556 go.temporal.io/server/common/rpc/interceptor.(*RetryableInterceptor).Intercept.func1
	          9c1e2a0 google.golang.org/grpc.(*Server).serveStreams.func2.1
	           47a2c1 runtime.goexit.abi0

temporal 30351    5025125 
	          e170d9 modernc.org/sqlite/lib._walFrames
	          1234ab go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite.(*db).ReplaceIntoVisibility
	          2345bc go.temporal.io/server/service/history.(*visibilityQueueTaskExecutor).Execute
	          3456cd go.temporal.io/server/common/tasks.(*FIFOScheduler[go.shape.ac87]).executeTask
	           47a2c1 runtime.goexit.abi0

temporal 30352    10050250 
	          aa11bb runtime.scanobject
	          bb22cc runtime.gcBgMarkWorker
	           47a2c1 runtime.goexit.abi0
`;

test('each sample counts for the request or queue task it served, its period as CPU time', async () => {
  const ms = await operationsOf(SCRIPT.split('\n'));
  assert.deepEqual(Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, Math.round(v * 1000) / 1000])), {
    'history RecordWorkflowTaskStarted': 5.025,
    'visibility queue tasks': 5.025,
    'Go garbage collector': 10.05,
  });
});

test('a handler deep in the stack wins over the machinery at its root; otherwise the machinery names it', () => {
  assert.equal(
    operationOf([
      'x',
      'go.temporal.io/server/api/matchingservice/v1._MatchingService_PollActivityTaskQueue_Handler',
      'google.golang.org/grpc.(*Server).serveStreams.func2.1',
    ]),
    'matching PollActivityTaskQueue',
  );
  assert.equal(operationOf(['google.golang.org/grpc/internal/transport.(*loopyWriter).run', 'runtime.goexit.abi0']), 'gRPC transport');
  assert.equal(operationOf(['runtime.morestack.abi0']), 'Go scheduler and stacks');
  assert.equal(operationOf(['main.something']), 'other');
});

test('the table shows the dear operations, dearest first, and sums the rest in one row', () => {
  const round = (ms: number) => Math.round(ms * 1e9) / 1e9;
  const profile = (msPerLifecycle: Record<string, number>): ServerProfile => ({
    lifecycles: 10,
    msPerLifecycle,
    totalMsPerLifecycle: Object.values(msPerLifecycle).reduce((a, b) => a + b, 0),
  });
  const rows = profileRows(profile({ a: 5, b: 20, c: 0.4, d: 0.3 }), profile({ a: 6, b: 10, c: 2, e: 0.5 }));
  assert.deepEqual(
    rows.map((r) => [r.operation, round(r.path), r.floor === undefined ? undefined : round(r.floor)]),
    [
      ['b', 20, 10],
      ['a', 5, 6],
      ['c', 0.4, 2],
      ['2 more, each under 1 ms', 0.3, 0.5],
    ],
  );
});

test("the chart stacks each rig's server CPU by the dearest operations, the rest in grey", () => {
  const profile = (msPerLifecycle: Record<string, number>): ServerProfile => ({
    lifecycles: 10,
    msPerLifecycle,
    totalMsPerLifecycle: Object.values(msPerLifecycle).reduce((a, b) => a + b, 0),
  });
  const result = {
    startedAt: 'now',
    machine: { cores: 2, cpuModel: 'test', os: 'Linux', loadAverageAtStart: [0, 0, 0], memoryBytes: 2 ** 30, versions: { node: 'v20', temporalSdk: '1.24.0' } },
    options: {},
    targets: [
      {
        id: 'embedded',
        label: 'embedded',
        server: { persistence: 'sqlite' },
        serverProfile: { national: profile({ 'history SignalWorkflowExecution': 9, other: 1 }), 'national-floor': profile({ other: 2 }) },
      },
    ],
  } as unknown as BenchResult;
  const svg = renderChart(result);
  assert.match(svg, /Where the server's CPU goes per lifecycle, by operation/);
  assert.match(svg, /national history SignalWorkflowExecution: 9\.00 CPU ms/);
  assert.match(svg, /national floor other: 2\.00 CPU ms/);
  assert.match(svg, />the rest</);
  const table = renderTable(result);
  assert.match(table, /Where the server's CPU goes, national path \(national \/ its floor\)/);
  assert.match(table, /history SignalWorkflowExecution +9\.0 \/ 0\.0/);
  assert.match(table, /all the server \(sampled\) +10\.0 \/ 2\.0/);
});
