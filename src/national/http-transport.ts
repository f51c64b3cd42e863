// One HTTP exchange with a national system over node:http, on kept-alive connections.
// Measured with `npm run bench`: the WHATWG fetch of Node 20 (undici with web streams, an
// AbortSignal pair per call) cost the worker about twice the CPU of this per national call,
// and a lifecycle makes twelve of them.
import http from 'node:http';
import https from 'node:https';

export interface Exchange {
  status: number;
  text: string;
}

export class ExchangeTimeout extends Error {
  override name = 'ExchangeTimeout';
}

export interface HttpTransport {
  send(url: string, init: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number; signal?: AbortSignal }): Promise<Exchange>;
  close(): void;
}

/**
 * How long a kept-alive connection may sit unused before the client closes it: under the
 * sandbox's (fastify's) 72 s, so the client, not the server, ends an idle connection. Node 20's
 * agent keeps idle connections forever and ignores the server's `Keep-Alive: timeout` hint.
 */
export const IDLE_CONNECTION_MS = 30_000;

/** A reused connection the server had just closed: nothing of the call reached it. */
function closedUnderUs(request: http.ClientRequest, error: NodeJS.ErrnoException, answered: boolean): boolean {
  return request.reusedSocket && !answered && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
}

/** `maxSockets`: connections open at once per system (64; callers that measure their own waits pass Infinity, as fetch has no limit). */
export function createHttpTransport(options: { maxSockets?: number; idleConnectionMs?: number } = {}): HttpTransport {
  const maxSockets = options.maxSockets ?? 64;
  const timeout = options.idleConnectionMs ?? IDLE_CONNECTION_MS;
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets, timeout }),
    'https:': new https.Agent({ keepAlive: true, maxSockets, timeout }),
  };
  return {
    send(url, init) {
      return new Promise<Exchange>((resolve, reject) => {
        const target = new URL(url);
        const agent = agents[target.protocol as keyof typeof agents];
        if (!agent) return reject(new Error(`unsupported protocol ${target.protocol}`));
        if (init.signal?.aborted) return reject(init.signal.reason);
        let request: http.ClientRequest;
        let settled = false;
        // Per call, including reading the answer and any new connection, as with the fetch it replaces.
        const timer = setTimeout(() => request.destroy(new ExchangeTimeout(`no answer within ${init.timeoutMs} ms`)), init.timeoutMs);
        const onAbort = () => request.destroy(init.signal!.reason as Error);
        init.signal?.addEventListener('abort', onAbort, { once: true });
        const finish = (outcome: () => void) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          init.signal?.removeEventListener('abort', onAbort);
          outcome();
        };
        const options = {
          method: init.method,
          agent,
          headers: init.body !== undefined ? { ...init.headers, 'content-length': Buffer.byteLength(init.body) } : init.headers,
        };
        const attempt = () => {
          let answered = false;
          request = (target.protocol === 'https:' ? https : http).request(target, options);
          request.once('error', (error: NodeJS.ErrnoException) => {
            // The race every kept-alive client meets: the server closes an idle connection as the
            // call goes out on it. The call never reached the server, so it goes again on another
            // (Node's own advice); each such retry uses up one stale connection of the pool.
            if (!settled && closedUnderUs(request, error, answered)) return attempt();
            finish(() => reject(error));
          });
          request.once('response', (response) => {
            answered = true;
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.once('error', (error) => finish(() => reject(error)));
            response.once('end', () => finish(() => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })));
          });
          request.end(init.body);
        };
        attempt();
      });
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
