// Keeps the movement's search attributes equal to its state, upserting only what changed.
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { TransitState } from './model.ts';
import * as keys from './search-attributes.ts';
import { waitingForSystems } from './fallback.ts';

type Snapshot = Record<string, string | number | boolean | undefined>;

function snapshot(state: TransitState): Snapshot {
  return {
    TransitStatus: state.status,
    CurrentOffice: state.currentOffice,
    VehicleRegistration: state.declaration.vehicle,
    Overdue: state.escalation.level > 0,
    BorderAlert: state.status === 'AT_BORDER' && Boolean(state.crossings[state.crossings.length - 1]?.alertAt),
    EscalationLevel: state.escalation.level,
    NextDeadline: state.nextDeadline,
    // Absent on movements that never had a fallback act, so their histories upsert nothing new; '' once all are written.
    WaitingForSystems: state.fallbackActs ? waitingForSystems(state.fallbackActs).join(',') : undefined,
  };
}

export class SearchAttributeSync {
  private last: Snapshot;

  /** `initial` is what the client set when starting the workflow. */
  constructor(initial: TransitState) {
    this.last = snapshot(initial);
  }

  sync(state: TransitState): void {
    const now = snapshot(state);
    const pairs: SearchAttributeUpdatePair[] = [];
    for (const [name, value] of Object.entries(now)) {
      if (this.last[name] === value) continue;
      pairs.push(pair(name, value));
    }
    if (pairs.length > 0) upsertSearchAttributes(pairs);
    this.last = now;
  }
}

function pair(name: string, value: string | number | boolean | undefined): SearchAttributeUpdatePair {
  switch (name) {
    case 'TransitStatus':
      return { key: keys.TransitStatus, value: value as string };
    case 'CurrentOffice':
      return { key: keys.CurrentOffice, value: value as string };
    case 'VehicleRegistration':
      return { key: keys.VehicleRegistration, value: value as string };
    case 'Overdue':
      return { key: keys.Overdue, value: value as boolean };
    case 'BorderAlert':
      return { key: keys.BorderAlert, value: value as boolean };
    case 'EscalationLevel':
      return { key: keys.EscalationLevel, value: value as number };
    case 'NextDeadline':
      return { key: keys.NextDeadline, value: value === undefined ? null : new Date(value as string) };
    case 'WaitingForSystems':
      return { key: keys.WaitingForSystems, value: value ? (value as string).split(',') : null };
    default:
      throw new Error(`unknown search attribute ${name}`);
  }
}
