// One signed POST to a subscriber. node:http(s) rather than fetch, because only they let the
// connection use our own lookup (callback-url.ts pinnedLookup): the address is checked where it
// is connected to, so a name that re-resolves to 127.0.0.1 after subscribing is refused.
import http from 'node:http';
import https from 'node:https';
import { pinnedLookup, type UrlPolicy } from './callback-url.ts';
import { DELIVERY_ID_HEADER, signatureHeader, SIGNATURE_HEADER } from './signature.ts';

export interface PostOutcome {
  ok: boolean;
  /** The HTTP status, or the network error's code. */
  result: string;
}

export function postSigned(args: {
  url: string;
  body: string;
  secret: string;
  deliveryId: string;
  policy: UrlPolicy;
  timeoutMs: number;
}): Promise<PostOutcome> {
  const url = new URL(args.url);
  const send = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve) => {
    const request = send(
      url,
      {
        method: 'POST',
        lookup: pinnedLookup(args.policy) as never,
        timeout: args.timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(args.body),
          [SIGNATURE_HEADER]: signatureHeader(args.secret, args.body),
          [DELIVERY_ID_HEADER]: args.deliveryId,
          'idempotency-key': args.deliveryId,
          'user-agent': 'Corridor-Webhooks/1',
        },
      },
      (response) => {
        // The answer's body is not read for anything: drain it so the socket is freed.
        response.resume();
        const status = response.statusCode ?? 0;
        resolve({ ok: status >= 200 && status < 300, result: String(status) });
      },
    );
    request.on('timeout', () => request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, result: error.code ?? error.message }));
    request.end(args.body);
  });
}
