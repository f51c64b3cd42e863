// A notification receiver for tests: records each notification once (deduplicating on its id,
// as a real receiver must), and can refuse the first delivery of each one to force retries,
// or every delivery (a receiver that is down). Given the signing secret, it checks each
// delivery's X-Corridor-Signature the documented way and counts those that fail.
import { createServer, type Server } from 'node:http';
import { verifySignature } from '../../src/subscriptions/signature.ts';

export interface Received {
  id: string;
  mrn: string;
  kind: string;
  to: string[];
  subject: string;
  details: Record<string, unknown>;
}

export interface Webhook {
  url: string;
  /** Every distinct notification, in the order first received. */
  received: Received[];
  /** Deliveries including repeats of an id (retries). */
  deliveries: number;
  /** With a secret: deliveries whose signature verified, and those that did not (or had none). */
  signed: { valid: number; invalid: number };
  /** The signing secret to check deliveries with (settable once a subscription has answered it). */
  secret: string | undefined;
  /** Every delivery's X-Corridor-Signature header, in order (undefined when absent). */
  signatures: (string | undefined)[];
  close(): Promise<void>;
}

export async function startWebhook(options: { failFirstAttempt?: boolean; failAll?: boolean; secret?: string } = {}): Promise<Webhook> {
  const seen = new Set<string>();
  const attempted = new Set<string>();
  const hook: Webhook = {
    url: '',
    received: [],
    deliveries: 0,
    signed: { valid: 0, invalid: 0 },
    secret: options.secret,
    signatures: [],
    close: async () => undefined,
  };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      hook.deliveries++;
      const signature = request.headers['x-corridor-signature'] as string | undefined;
      hook.signatures.push(signature);
      if (hook.secret !== undefined) {
        if (verifySignature(hook.secret, signature, body)) hook.signed.valid++;
        else {
          hook.signed.invalid++;
          response.writeHead(401).end('bad signature');
          return;
        }
      }
      if (options.failAll) {
        response.writeHead(503).end('down');
        return;
      }
      const message = JSON.parse(body) as Received;
      const id = request.headers['idempotency-key'];
      if (id !== message.id) {
        response.writeHead(400).end('idempotency-key header must equal the notification id');
        return;
      }
      if (options.failFirstAttempt && !attempted.has(message.id)) {
        attempted.add(message.id);
        // Take it, then fail: the sender cannot know it arrived, and must send it again.
        if (!seen.has(message.id)) {
          seen.add(message.id);
          hook.received.push(message);
        }
        response.writeHead(503).end('try again');
        return;
      }
      if (!seen.has(message.id)) {
        seen.add(message.id);
        hook.received.push(message);
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  hook.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/notifications`;
  hook.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return hook;
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
