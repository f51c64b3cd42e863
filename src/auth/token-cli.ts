// `npm run token -- --role officer --office TGCKS001`: one development token on one line.
import { loadConfig } from '../config/env.ts';
import { stringFlag, UsageError, type Flags } from '../cli/args.ts';
import { roles, type Actor, type Role } from './actor.ts';
import { decodeJwt } from 'jose';
import { signToken } from './tokens.ts';
import { OFFICE_CODE } from '../domain/formats.ts';

export async function printToken(flags: Flags): Promise<void> {
  const config = loadConfig();
  const role = stringFlag(flags, 'role') as Role;
  if (!roles.includes(role)) throw new UsageError(`--role must be one of ${roles.join(', ')}`);
  const actor: Actor = { user: stringFlag(flags, 'user', defaultUser(role, flags)), role };
  if (role === 'officer') actor.office = officeFlag(stringFlag(flags, 'office'));
  if (role === 'supervisor' || role === 'collector') actor.country = countryFlag(stringFlag(flags, 'country'));
  if (role === 'declarant') actor.tin = stringFlag(flags, 'tin');
  const ttl = stringFlag(flags, 'ttl', '12h');
  let token: string;
  try {
    token = await signToken(config.tokenSecret, actor, ttl, config.tokens.audience);
  } catch {
    throw new UsageError(`--ttl expects a duration such as 30m, 8h or 12h, got ${ttl}`);
  }
  // The API refuses tokens that live longer than this: do not print one it would refuse.
  const { exp = 0, iat = 0 } = decodeJwt(token);
  const max = config.tokens.maxLifetimeSeconds;
  if (exp - iat > max || exp <= iat) {
    throw new UsageError(
      `--ttl ${ttl} is ${exp <= iat ? 'not a positive duration' : `longer than ${max} s`}: the API accepts tokens living at most ${max} s (CORRIDOR_TOKEN_MAX_LIFETIME_SECONDS)`,
    );
  }
  process.stdout.write(`${token}\n`);
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
