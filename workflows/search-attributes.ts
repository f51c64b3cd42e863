// The search attributes supervisors list transits by. Defined once here, imported by the
// workflow (to upsert), the API (to query) and start-up (to register on the server).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const TransitStatus = defineSearchAttributeKey('TransitStatus', SearchAttributeType.KEYWORD);
export const DepartureOffice = defineSearchAttributeKey('DepartureOffice', SearchAttributeType.KEYWORD);
export const DestinationOffice = defineSearchAttributeKey('DestinationOffice', SearchAttributeType.KEYWORD);
export const CurrentOffice = defineSearchAttributeKey('CurrentOffice', SearchAttributeType.KEYWORD);
export const DeclarantId = defineSearchAttributeKey('DeclarantId', SearchAttributeType.KEYWORD);
export const VehicleRegistration = defineSearchAttributeKey('VehicleRegistration', SearchAttributeType.KEYWORD);
/** Every office on the route, so an office or a country lists the movements that concern it. */
export const RouteOffices = defineSearchAttributeKey('RouteOffices', SearchAttributeType.KEYWORD_LIST);
export const Overdue = defineSearchAttributeKey('Overdue', SearchAttributeType.BOOL);
/** A truck at a border post past the dwell target, entry not yet accepted. */
export const BorderAlert = defineSearchAttributeKey('BorderAlert', SearchAttributeType.BOOL);
export const EscalationLevel = defineSearchAttributeKey('EscalationLevel', SearchAttributeType.INT);
export const NextDeadline = defineSearchAttributeKey('NextDeadline', SearchAttributeType.DATETIME);
/** The countries whose national system a fallback act of the movement still waits for (procédure de secours). */
export const WaitingForSystems = defineSearchAttributeKey('WaitingForSystems', SearchAttributeType.KEYWORD_LIST);

export const corridorSearchAttributes = [
  TransitStatus,
  DepartureOffice,
  DestinationOffice,
  CurrentOffice,
  DeclarantId,
  VehicleRegistration,
  RouteOffices,
  Overdue,
  BorderAlert,
  EscalationLevel,
  NextDeadline,
  WaitingForSystems,
] as const;
