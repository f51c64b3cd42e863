// The movement's state at lodging, and the short summary the workflow returns when it ends.
import type { Declaration, TransitInput, TransitState } from './model.ts';

export function declarationSummary(declaration: Declaration): TransitState['declaration'] {
  return {
    declarantTin: declaration.declarant.tin,
    declarantName: declaration.declarant.name,
    principalTin: declaration.principal.tin,
    principalName: declaration.principal.name,
    vehicle: declaration.transport.registration,
    ...(declaration.transport.trailer ? { trailer: declaration.transport.trailer.registration } : {}),
    containers: [...declaration.containers],
    sealedVehicle: declaration.sealedVehicle,
    goodsItemCount: declaration.goodsItems.length,
    grossMassKg: declaration.goodsItems.reduce((sum, item) => sum + item.grossMassKg, 0),
    valueXof: declaration.goodsItems.reduce((sum, item) => sum + item.valueXof, 0),
    goods: declaration.goodsItems.map((item) => ({ hsCode: item.hsCode, valueXof: item.valueXof })),
  };
}

export function initialState({ mrn, declaration, declarationHash, route, lodgedBy }: TransitInput): TransitState {
  const lodgedAt = new Date().toISOString();
  return {
    mrn,
    lrn: declaration.lrn,
    declarationHash,
    status: 'DECLARED',
    declaration: declarationSummary(declaration),
    routeId: route.routeId,
    departureCountry: route.departureCountry,
    route: route.offices.map((office) => ({ code: office.code, name: office.name, country: office.country, roles: [...office.roles] })),
    legs: route.legs.map((leg) => ({ ...leg })),
    endsWith: route.endsWith,
    currentOffice: route.departureOffice.code,
    legIndex: -1,
    guarantee: { grn: declaration.guarantee.grn, state: 'PENDING' },
    nationalReferences: {},
    seals: [],
    crossings: [],
    incidents: [],
    escalation: { level: 0 },
    notifications: [],
    timeline: [{ at: lodgedAt, what: 'LODGED', by: lodgedBy, office: route.departureOffice.code, details: { lrn: declaration.lrn } }],
    version: 1,
  };
}

/**
 * The facts indicators are rebuilt from for a closed movement: route, times at each office,
 * border crossings, lateness. Small: the projection keeps one row of them per movement.
 */
export function summarise(state: TransitState) {
  const lodged = state.timeline[0]?.at;
  return {
    mrn: state.mrn,
    status: state.status,
    routeId: state.routeId,
    declarantTin: state.declaration.declarantTin,
    ...(state.reason ? { reason: state.reason } : {}),
    ...(lodged ? { lodgedAt: lodged } : {}),
    ...(state.releasedAt ? { releasedAt: state.releasedAt } : {}),
    ...(state.dischargedAt ? { dischargedAt: state.dischargedAt } : {}),
    offices: state.route.map((office) => ({
      code: office.code,
      ...(office.plannedBy ? { plannedBy: office.plannedBy } : {}),
      ...(office.arrivedAt ? { arrivedAt: office.arrivedAt } : {}),
      ...(office.leftAt ? { leftAt: office.leftAt } : {}),
      ...(office.late ? { late: true } : {}),
    })),
    crossings: state.crossings.map((c) => ({
      post: c.post,
      arrivalAt: c.arrivalAt,
      ...(c.entryAt ? { entryAt: c.entryAt } : {}),
      ...(c.dwellSeconds !== undefined ? { dwellSeconds: c.dwellSeconds } : {}),
      ...(c.alertAt ? { alertAt: c.alertAt } : {}),
    })),
    maxEscalationLevel: Math.max(
      0,
      ...state.timeline.map((e) =>
        typeof e.details?.level === 'number' && e.what !== 'ESCALATION_CLOSED' && e.what !== 'ESCALATION_ACKNOWLEDGED' ? e.details.level : 0,
      ),
    ),
    guarantee: state.guarantee.state,
    forwards: forwardsOf(state),
    shares: (state.guarantee.shares ?? []).flatMap((share) =>
      share.reservedAt && share.amountXof !== undefined
        ? [{ country: share.country, amountXof: share.amountXof, reservedAt: share.reservedAt, ...(share.closedAt ? { closedAt: share.closedAt } : {}) }]
        : [],
    ),
  };
}

/**
 * Each act keyed in one national system and carried to the other: when it was recorded there
 * and when the other system held what it needs (the AAR, a notice, the write-off).
 */
export function forwardsOf(state: TransitState) {
  const forwards: { type: string; from: string; to: string; recordedAt: string; forwardedAt: string; latencyMs: number }[] = [];
  for (const entry of state.timeline) {
    const of = entry.details?.forwardOf as { type: string; keyedIn: string; recordedAt: string } | undefined;
    if (!of) continue;
    const to = typeof entry.details?.country === 'string' ? entry.details.country : state.route[0]!.country;
    forwards.push({
      type: of.type,
      from: of.keyedIn,
      to,
      recordedAt: of.recordedAt,
      forwardedAt: entry.at,
      latencyMs: Math.max(0, Date.parse(entry.at) - Date.parse(of.recordedAt)),
    });
  }
  return forwards;
}

/**
 * What the workflow returns as it closes: the summary, and its whole final state for the
 * archive. Read from the close event (one small read), the archive no longer asks a closed
 * movement for its state, which Temporal answers by replaying the whole history on a worker
 * (a lifecycle's worth of CPU per movement archived). Movements closed before it returned
 * the summary only; the archiver still queries those.
 */
export function closing(state: TransitState) {
  return { ...summarise(state), state };
}
