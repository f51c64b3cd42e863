// The recorded histories of test/histories and what replays them: a history recorded on a
// baseline (workflows/versions.ts) checks its national events' vouches on every replay, so the
// public keys they were vouched with are kept beside it (NAME.vouch-keys.json, written by
// scripts/record-histories.ts). Histories from before vouching need none.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { temporal } from '@temporalio/proto';
import type { TransitInput } from '../../workflows/model.ts';

export const HISTORIES = fileURLToPath(new URL('../histories/', import.meta.url));
export const VOUCH_KEYS_SUFFIX = '.vouch-keys.json';

/** Every recorded history file, sorted (the keys beside them left out). */
export function historyFiles(): string[] {
  return readdirSync(HISTORIES)
    .filter((name) => name.endsWith('.json') && !name.endsWith(VOUCH_KEYS_SUFFIX))
    .sort();
}

/** The public keys a history's acts were vouched with (none kept: an empty set). */
export function vouchKeysOf(file: string): Record<string, string> {
  const keys = `${HISTORIES}${file.replace(/\.json$/, VOUCH_KEYS_SUFFIX)}`;
  return existsSync(keys) ? (JSON.parse(readFileSync(keys, 'utf8')) as Record<string, string>) : {};
}

/** The input a fetched history's movement was started with (its first event). */
export function startedInput(events: temporal.api.history.v1.IHistoryEvent[]): Partial<Pick<TransitInput, 'baseline' | 'settings'>> {
  const payload = events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  return JSON.parse(Buffer.from(payload?.data ?? new Uint8Array()).toString('utf8')) as Partial<Pick<TransitInput, 'baseline' | 'settings'>>;
}
