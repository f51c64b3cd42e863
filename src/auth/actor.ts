// Who acts: every action and every read is made by an actor taken from the bearer token,
// never from the request body.
// collector: a country's recovery officer (receveur), who decides the recovery on that country's share of the guarantee.
export const roles = ['declarant', 'officer', 'supervisor', 'regional', 'collector'] as const;
export type Role = (typeof roles)[number];

export interface Actor {
  /** User id (for officers, their service number or login). */
  user: string;
  role: Role;
  /** Officers: the office where they work. */
  office?: string;
  /** Supervisors and collectors: their country; officers: the country of their office. */
  country?: string;
  /** Declarants: their TIN (taxpayer identification number). */
  tin?: string;
}
