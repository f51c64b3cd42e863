// The console's built files (dist/console, see console/build.ts) at `/`. They need no token:
// the page signs in and then calls the API like any other client. Pages live behind the
// hash (#/transits/…), so no console path can shadow an API path.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';

export const CONSOLE_DIR = fileURLToPath(new URL('../../../dist/console/', import.meta.url));

export const consoleRoutes =
  (dir: string = CONSOLE_DIR): FastifyPluginAsync =>
  async (app) => {
    if (!existsSync(path.join(dir, 'index.html'))) {
      app.get('/', { schema: { hide: true } }, async (_request, reply) =>
        reply
          .code(503)
          .type('text/html; charset=utf-8')
          .send("<p>La console n'est pas construite / the console is not built: <code>npm run build:console</code>, then restart the API.</p>"),
      );
      return;
    }
    await app.register(fastifyStatic, {
      root: dir,
      prefix: '/',
      index: ['index.html'],
      schemaHide: true,
      // Asset names carry their content hash: cache them for good; the page itself, never.
      setHeaders: (reply, file) => {
        reply.header('cache-control', file.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
      },
    });
  };
