// The corridor at a glance: its offices in route order with the trucks expected, present and
// overdue at each, the trucks at each border post with the time they have waited, and the open
// escalations by level. Built from the in-flight list and, for trucks at a post, their state.
import type { Office, ReferenceData } from '../domain/types.ts';
import type { TransitState } from '../../workflows/model.ts';
import type { RunningTransit } from './running.ts';

export interface OfficeCounts {
  code: string;
  name: string;
  country: string;
  roles: string[];
  borderPost?: string;
  /** Position along the corridor: offices in the same column are branches (Ouagadougou, Bobo…). */
  column: number;
  /** On the road toward this office. */
  expected: number;
  /** At the office: waiting for release, at the post, arrived or held. */
  present: number;
  /** Expected here and past the time limit (or past a watched delay here). */
  overdue: number;
}

export interface BorderTruck {
  mrn: string;
  vehicle: string;
  /** The office whose officers act next: the exit side, then the entry side. */
  office: string;
  /** From the movement's state; absent while its state has not been read yet. */
  awaiting?: 'exit' | 'entry';
  arrivalAt?: string;
  exitAt?: string;
  alertAt?: string;
}

export interface BorderPost {
  post: string;
  offices: string[];
  /** Every truck at the post now. */
  count: number;
  /** The trucks waiting longest, at most TRUCKS_SHOWN: the ones a supervisor must see. */
  trucks: BorderTruck[];
}

// A page stays light with a thousand trucks in flight; the count still says how many wait.
export const TRUCKS_SHOWN = 50;

export interface Overview {
  now: string;
  refreshedAt: string;
  borderDwellTargetSeconds: number;
  inFlight: number;
  offices: OfficeCounts[];
  posts: BorderPost[];
  escalations: { level: number; count: number }[];
}

/** Every office of the corridor once, in the order the routes travel it (main axis first). */
export function corridorOffices(reference: ReferenceData): Office[] {
  const seen = new Map<string, Office>();
  for (const route of reference.routes) {
    for (const code of route.offices) if (!seen.has(code) && reference.offices[code]) seen.set(code, reference.offices[code]);
  }
  for (const office of Object.values(reference.offices)) if (!seen.has(office.code)) seen.set(office.code, office);
  return [...seen.values()];
}

const PRESENT = new Set(['DECLARED', 'ACCEPTED', 'AT_BORDER', 'ARRIVED', 'HELD']);

export function atBorderPost(item: RunningTransit, reference: ReferenceData): string | undefined {
  return item.status === 'AT_BORDER' ? reference.offices[item.currentOffice]?.borderPost : undefined;
}

export function buildOverview(args: {
  reference: ReferenceData;
  items: RunningTransit[];
  states: Map<string, TransitState>;
  refreshedAt: number;
  borderDwellTargetSeconds: number;
}): Overview {
  const { reference, items, states } = args;
  const offices = corridorOffices(reference).map<OfficeCounts>((office) => ({
    code: office.code,
    name: office.name,
    country: office.country,
    roles: [...office.roles],
    ...(office.borderPost ? { borderPost: office.borderPost } : {}),
    column: Math.max(0, reference.routes.find((route) => route.offices.includes(office.code))?.offices.indexOf(office.code) ?? 0),
    expected: 0,
    present: 0,
    overdue: 0,
  }));
  const byCode = new Map(offices.map((office) => [office.code, office]));
  const posts = new Map<string, BorderPost>();
  for (const office of offices) {
    if (!office.borderPost) continue;
    const post = posts.get(office.borderPost) ?? { post: office.borderPost, offices: [], count: 0, trucks: [] };
    post.offices.push(office.code);
    posts.set(office.borderPost, post);
  }
  const levels = new Map<number, number>();

  for (const item of items) {
    const office = byCode.get(item.currentOffice);
    if (office) {
      if (item.status === 'RELEASED') office.expected++;
      else if (PRESENT.has(item.status)) office.present++;
      if (item.overdue) office.overdue++;
    }
    if (item.escalationLevel > 0) levels.set(item.escalationLevel, (levels.get(item.escalationLevel) ?? 0) + 1);
    const post = atBorderPost(item, reference);
    if (!post) continue;
    const crossing = states.get(item.mrn)?.crossings.at(-1);
    const open = crossing && !crossing.entryAt ? crossing : undefined;
    posts.get(post)?.trucks.push({
      mrn: item.mrn,
      vehicle: item.vehicle,
      office: item.currentOffice,
      ...(open ? { awaiting: open.exitAt ? 'entry' : 'exit', arrivalAt: open.arrivalAt } : {}),
      ...(open?.exitAt ? { exitAt: open.exitAt } : {}),
      ...(open?.alertAt ? { alertAt: open.alertAt } : {}),
    });
  }
  // Longest wait first; trucks whose arrival is not read yet last.
  for (const post of posts.values()) {
    post.count = post.trucks.length;
    post.trucks = post.trucks.sort((a, b) => (a.arrivalAt ?? '~').localeCompare(b.arrivalAt ?? '~')).slice(0, TRUCKS_SHOWN);
  }

  return {
    now: new Date().toISOString(),
    refreshedAt: new Date(args.refreshedAt).toISOString(),
    borderDwellTargetSeconds: args.borderDwellTargetSeconds,
    inFlight: items.length,
    offices,
    posts: [...posts.values()],
    escalations: [...levels.entries()].sort(([a], [b]) => a - b).map(([level, count]) => ({ level, count })),
  };
}
