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

/** What the workflow returns: small, because it is stored in the history. */
export function summarise(state: TransitState) {
  return {
    mrn: state.mrn,
    status: state.status,
    ...(state.reason ? { reason: state.reason } : {}),
    ...(state.dischargedAt ? { dischargedAt: state.dischargedAt } : {}),
    crossings: state.crossings.map((c) => ({ post: c.post, dwellSeconds: c.dwellSeconds })),
  };
}
