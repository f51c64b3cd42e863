// `npm run token -- --role officer --office TGCKS001`: one development token on one line.
import { loadConfig } from '../config/env.ts';
import { stringFlag, UsageError, type Flags } from '../cli/args.ts';
import { roles, type Actor, type Role } from './actor.ts';
import { signToken } from './tokens.ts';
import { OFFICE_CODE } from '../domain/formats.ts';

export async function printToken(flags: Flags): Promise<void> {
  const config = loadConfig();
  const role = stringFlag(flags, 'role') as Role;
  if (!roles.includes(role)) throw new UsageError(`--role must be one of ${roles.join(', ')}`);
  const actor: Actor = { user: stringFlag(flags, 'user', defaultUser(role, flags)), role };
  if (role === 'officer') actor.office = officeFlag(stringFlag(flags, 'office'));
  if (role === 'supervisor') actor.country = countryFlag(stringFlag(flags, 'country'));
  if (role === 'declarant') actor.tin = stringFlag(flags, 'tin');
  process.stdout.write(`${await signToken(config.tokenSecret, actor, stringFlag(flags, 'ttl', '12h'))}\n`);
}

function defaultUser(role: Role, flags: Flags): string {
  const where = flags.office ?? flags.country ?? flags.tin;
  return typeof where === 'string' ? `${role}-${where}`.toLowerCase() : role;
}

function officeFlag(value: string): string {
  if (!OFFICE_CODE.test(value)) throw new UsageError(`--office expects an office reference number such as TGCKS001, got ${value}`);
  return value;
}

function countryFlag(value: string): string {
  if (!/^(TG|BF)$/.test(value)) throw new UsageError(`--country expects TG or BF, got ${value}`);
  return value;
}
