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

/** `maxSockets`: connections open at once per system (64; callers that measure their own waits pass Infinity, as fetch has no limit). */
export function createHttpTransport(options: { maxSockets?: number } = {}): HttpTransport {
  const maxSockets = options.maxSockets ?? 64;
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets }),
    'https:': new https.Agent({ keepAlive: true, maxSockets }),
  };
  return {
    send(url, init) {
      return new Promise<Exchange>((resolve, reject) => {
        const target = new URL(url);
        const agent = agents[target.protocol as keyof typeof agents];
        if (!agent) return reject(new Error(`unsupported protocol ${target.protocol}`));
        if (init.signal?.aborted) return reject(init.signal.reason);
        const request = (target.protocol === 'https:' ? https : http).request(target, {
          method: init.method,
          agent,
          headers: init.body !== undefined ? { ...init.headers, 'content-length': Buffer.byteLength(init.body) } : init.headers,
        });
        // Per call, including reading the answer, as with the fetch it replaces.
        const timer = setTimeout(() => request.destroy(new ExchangeTimeout(`no answer within ${init.timeoutMs} ms`)), init.timeoutMs);
        const onAbort = () => request.destroy(init.signal!.reason as Error);
        init.signal?.addEventListener('abort', onAbort, { once: true });
        const done = () => {
          clearTimeout(timer);
          init.signal?.removeEventListener('abort', onAbort);
        };
        request.once('error', (error) => {
          done();
          reject(error);
        });
        request.once('response', (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.once('error', (error) => {
            done();
            reject(error);
          });
          response.once('end', () => {
            done();
            resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
          });
        });
        request.end(init.body);
      });
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
