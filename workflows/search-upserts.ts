// One search attribute upsert per workflow task, for movements started on a baseline
// (./versions.ts). Acts that arrive together are applied one after the other in the same task,
// and each publishes what it changed: a national lifecycle wrote two tasks with two upserts each,
// two history events and two visibility writes more than the movement needs, since the list
// pages read the last value only. Here the upserts of a task become one, where the first stood,
// each attribute at its last value. Movements started before baselines recorded one event per
// upsert and replay so: they are left as they are.
import type { coresdk, temporal } from '@temporalio/proto';
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';

type Command = coresdk.workflow_commands.IWorkflowCommand;

/** The commands with every upsert after the first folded into the first (later values win). */
export function mergeSearchUpserts(commands: Command[]): Command[] {
  const merged: Command[] = [];
  let fields: Record<string, temporal.api.common.v1.IPayload> = {};
  let at = -1;
  for (const command of commands) {
    const upsert = command.upsertWorkflowSearchAttributes;
    if (!upsert) {
      merged.push(command);
      continue;
    }
    fields = { ...fields, ...(upsert.searchAttributes?.indexedFields ?? {}) };
    if (at < 0) {
      at = merged.length;
      merged.push(command);
    }
  }
  if (merged.length === commands.length) return commands;
  const kept = merged[at]!;
  merged[at] = {
    ...kept,
    upsertWorkflowSearchAttributes: { searchAttributes: { indexedFields: fields } },
  };
  return merged;
}

export const interceptors: WorkflowInterceptorsFactory = () => {
  let merging = false;
  return {
    inbound: [
      {
        execute(input, next) {
          // The transit's input carries its baseline; the other workflows and older movements have none.
          const baseline = (input.args[0] as { baseline?: unknown } | undefined)?.baseline;
          merging = typeof baseline === 'number' && baseline >= 1;
          return next(input);
        },
      },
    ],
    internals: [
      {
        concludeActivation(input, next) {
          return next(merging ? { ...input, commands: mergeSearchUpserts(input.commands) } : input);
        },
      },
    ],
  };
};
