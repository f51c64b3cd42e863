// The data converter every Corridor client and worker uses: Temporal's default JSON
// conversion, then encryption when a key ring is configured; with a key ring, failures' messages
// and stack traces are encoded too, so encrypted (./failure-converter.ts).
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec.ts';
import type { KeyRing } from './keys.ts';

const FAILURE_CONVERTER = fileURLToPath(new URL('./failure-converter.ts', import.meta.url));

export function corridorDataConverter(keys: KeyRing | undefined): DataConverter {
  return keys ? { payloadCodecs: [new EncryptionCodec(keys)], failureConverterPath: FAILURE_CONVERTER } : {};
}
