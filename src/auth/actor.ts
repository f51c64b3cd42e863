// Who acts: every action and every read is made by an actor taken from the bearer token,
// never from the request body.
export const roles = ['declarant', 'officer', 'supervisor', 'regional'] as const;
export type Role = (typeof roles)[number];

export interface Actor {
  /** User id (for officers, their service number or login). */
  user: string;
  role: Role;
  /** Officers: the office where they work. */
  office?: string;
  /** Supervisors: their country; officers: the country of their office. */
  country?: string;
  /** Declarants: their TIN (taxpayer identification number). */
  tin?: string;
}
