// The failure converter of clients and workers (outside the sandbox) when a codec key ring is
// set: activity failures and update refusals keep only "Encoded failure" in clear; their message
// and stack trace go into a payload that the codec encrypts. Loaded by the SDK through
// `failureConverterPath` (src/codec/data-converter.ts).
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
