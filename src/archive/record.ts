// What the archive keeps of one closed movement: the row a list shows (the same summary
// visibility gave while the workflow was in Temporal) and the full record (the workflow's
// `state`: timeline, declaration, national references, notifications), which GET /transits/:mrn
// answers. The record is stored as a Temporal payload, encrypted with the codec's key ring when
// one is configured, so the archive holds no more in clear than Temporal's own database did.
import { defaultPayloadConverter } from '@temporalio/common';
// @temporalio/proto is CommonJS: its namespaces come through the default export.
import proto from '@temporalio/proto';
import type { TransitSummary } from '../client/transits.ts';
import { EncryptionCodec } from '../codec/encryption-codec.ts';
import type { KeyRing } from '../codec/keys.ts';
import type { TransitState } from '../../workflows/model.ts';

const { Payload } = proto.temporal.api.common.v1;

/** A list row, exactly as visibility listed the movement while Temporal still held it. */
export type ArchivedSummary = TransitSummary & { closedAt: string };

export interface ArchivedMovement {
  summary: ArchivedSummary;
  /** Every office of the route: the office filters of the lists. */
  routeOffices: string[];
  /** The run that closed: a row is written again only for another run. */
  runId: string;
  state: TransitState;
}

/** The record as bytes: a (possibly encrypted) Temporal payload of the state. */
export async function sealRecord(state: TransitState, keys: KeyRing | undefined): Promise<Buffer> {
  const plain = defaultPayloadConverter.toPayload(state);
  const [payload] = keys ? await new EncryptionCodec(keys).encode([plain]) : [plain];
  return Buffer.from(Payload.encode(payload!).finish());
}

/** The state back from its bytes; a record encrypted with a key not in the ring fails loudly, naming the key. */
export async function openRecord(bytes: Uint8Array, keys: KeyRing | undefined): Promise<TransitState> {
  const decoded = Payload.decode(bytes);
  const sealed = { metadata: decoded.metadata ?? {}, data: decoded.data ?? new Uint8Array() };
  // Without a ring, an encrypted record reaches the converter as is, which refuses its encoding.
  const [payload] = keys ? await new EncryptionCodec(keys).decode([sealed]) : [sealed];
  return defaultPayloadConverter.fromPayload<TransitState>(payload!);
}
