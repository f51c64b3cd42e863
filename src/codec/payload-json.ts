// Payloads as the codec server protocol carries them: protobuf JSON, bytes in base64.
import type { Payload } from '@temporalio/common';
import { z } from 'zod';

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'expected base64');

// Protobuf JSON leaves out an empty list: `{}` is zero payloads (the CLI sends it for a query without arguments).
export const PayloadsJson = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() })).default([]),
});
export type PayloadsJson = z.output<typeof PayloadsJson>;

export function fromJson(body: PayloadsJson): Payload[] {
  return body.payloads.map((payload) => ({
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, bytes(value)])),
    data: bytes(payload.data ?? ''),
  }));
}

export function toJson(payloads: Payload[]): PayloadsJson {
  return {
    payloads: payloads.map((payload) => ({
      metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
      data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
    })),
  };
}

function bytes(value: string): Uint8Array {
  return new Uint8Array(Buffer.from(value, 'base64'));
}
