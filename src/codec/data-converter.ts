// The data converter every Corridor client and worker uses: Temporal's default JSON
// conversion, then encryption when a key ring is configured.
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec.ts';
import type { KeyRing } from './keys.ts';

export function corridorDataConverter(keys: KeyRing | undefined): DataConverter {
  return keys ? { payloadCodecs: [new EncryptionCodec(keys)] } : {};
}
