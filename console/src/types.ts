// The API's answers as the console reads them (the server's own types stay on the server: the
// console is built separately and talks HTTP only).
export type Role = 'declarant' | 'officer' | 'supervisor' | 'regional';

export interface Me {
  user: string;
  role: Role;
  office?: string;
  officeName?: string;
  country?: string;
  tin?: string;
}

export interface OfficeCounts {
  code: string;
  name: string;
  country: string;
  roles: string[];
  borderPost?: string;
  column: number;
  expected: number;
  present: number;
  overdue: number;
}

export interface BorderTruck {
  mrn: string;
  vehicle: string;
  office: string;
  awaiting: 'exit' | 'entry';
  arrivalAt: string;
  exitAt?: string;
  alertAt?: string;
}

export interface Overview {
  now: string;
  refreshedAt: string;
  borderDwellTargetSeconds: number;
  inFlight: number;
  offices: OfficeCounts[];
  posts: { post: string; offices: string[]; trucks: BorderTruck[] }[];
  escalations: { level: number; count: number }[];
}

export interface Crossing {
  post: string;
  exitOffice: string;
  entryOffice: string;
  arrivalAt: string;
  exitAt?: string;
  entryAt?: string;
  dwellSeconds?: number;
  sealsIntact?: boolean;
  alertAt?: string;
}

export interface DeskRow {
  mrn: string;
  vehicle: string;
  declarantName: string;
  status: string;
  routeId: string;
  departureOffice?: string;
  destinationOffice?: string;
  currentOffice: string;
  since?: string;
  legDeadline?: string;
  crossing?: Crossing;
  escalationLevel: number;
  allowedActions: string[];
}

export interface Desk {
  now: string;
  office: string;
  name?: string;
  borderDwellTargetSeconds: number;
  present: DeskRow[];
  expected: DeskRow[];
}

export interface TransitSummary {
  mrn: string;
  status?: string;
  departureOffice?: string;
  destinationOffice?: string;
  currentOffice?: string;
  declarant?: string;
  vehicle?: string;
  overdue: boolean;
  escalationLevel: number;
  nextDeadline?: string;
  lodgedAt?: string;
  closedAt?: string;
}

export interface ActedBy {
  user: string;
  role: string;
  office?: string;
  country?: string;
}

export interface TransitState {
  mrn: string;
  lrn: string;
  status: string;
  reason?: string;
  declaration: {
    declarantTin: string;
    declarantName: string;
    principalTin: string;
    principalName: string;
    vehicle: string;
    trailer?: string;
    containers: string[];
    goodsItemCount: number;
    grossMassKg: number;
    valueXof: number;
  };
  routeId: string;
  route: { code: string; name: string; country: string; roles: string[]; plannedBy?: string; arrivedAt?: string; leftAt?: string; late?: boolean }[];
  currentOffice: string;
  legDeadline?: string;
  nextDeadline?: string;
  guarantee: { grn: string; amountReservedXof?: number; state: string };
  nationalReferences: Record<string, string>;
  seals: string[];
  releasedAt?: string;
  crossings: Crossing[];
  escalation: {
    level: number;
    kind?: string;
    overdueSince?: string;
    acknowledgedLevel?: number;
    acknowledgedBy?: ActedBy;
    enquiryOpenedAt?: string;
  };
  notifications: { id: string; at: string; kind: string; to: string[]; subject: string; delivery: string }[];
  timeline: { at: string; what: string; by: ActedBy; office?: string; details?: Record<string, unknown> }[];
  allowedActions: string[];
}

export interface Indicators {
  generatedAt: string;
  days: number;
  borderDwellTargetSeconds: number;
  borderDwell: { post: string; day: string; crossings: number; medianSeconds: number; p90Seconds: number; targetSeconds: number; overTarget: number; alerts: number }[];
  legs: { from: string; to: string; legs: number; medianSeconds: number; p90Seconds: number; medianAllowedSeconds: number | null; late: number; lateRate: number }[];
  offices: {
    office: string;
    name: string;
    country: string;
    arrivals: number;
    lateArrivals: number;
    lateRate: number;
    inFlight: number;
    overdueNow: number;
    overdueRate: number;
    escalationsLevel1: number;
    escalationsLevel2: number;
    escalationsLevel3: number;
  }[];
  completed: { day: string; discharged: number; cancelled: number; rejected: number; recovery: number; total: number }[];
}
