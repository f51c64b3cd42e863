// The HTTP API: one plugin per route group, zod schemas on every route, OpenAPI at /docs.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { assertApiTokenSecret, type Config } from '../config/env.ts';
import type { Logger } from '../logging/logger.ts';
import type { ReferenceData } from '../domain/types.ts';
import { TransitClient } from '../client/transits.ts';
import { installAuthentication } from './authentication.ts';
import { installErrorHandler } from './error-handler.ts';
import { installEdge } from './edge.ts';
import { PageTokens } from './page-tokens.ts';
import { actionRoutes } from './routes/actions.ts';
import { escalationRoutes } from './routes/escalations.ts';
import { healthRoutes } from './routes/health.ts';
import { transitRoutes } from './routes/transits.ts';
import { subscriptionRoutes } from './routes/subscriptions.ts';
import { reconciliationRoutes } from './routes/reconciliation.ts';
import { consoleViews } from './views.ts';
import { codecEndpointFor } from '../codec/server.ts';
import { openArchive } from '../archive/open.ts';
import { readJournalStatus } from '../interconnection/journal-status.ts';
import type { CountryCode } from '../domain/countries.ts';

export interface ApiDeps {
  config: Config;
  client: Client;
  namespace: string;
  logger: Logger;
  reference: ReferenceData;
}

// A declaration with 999 goods items fits well within this; anything larger is refused with 413.
const BODY_LIMIT_BYTES = 1024 * 1024;

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  // Here as well as at the API's start: no API is built to listen beyond loopback with a guessable secret.
  assertApiTokenSecret(deps.config);
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    logController: new LogController({ disableRequestLogging: true }),
    // A hop count is supported by fastify (proxy-addr) though its types name only the other forms.
    trustProxy: deps.config.trustProxy as boolean | string[],
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  installAuthentication(app, {
    secret: deps.config.tokenSecret,
    policy: deps.config.tokens,
    failuresPerMinute: deps.config.rateLimits.authFailuresPerMinute,
    ownAuthorization: ['/metrics'],
  });
  await installEdge(app, deps.config);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Corridor',
        description: 'Transit engine interconnecting the customs systems of Togo and Burkina Faso',
        version: '1.0.0',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const typed = app.withTypeProvider<ZodTypeProvider>();
  const transits = new TransitClient(deps.client, deps.config, deps.namespace);
  const views = consoleViews({ ...deps, transits });
  await typed.register(views.metrics);
  await typed.register(healthRoutes(deps));
  const pageTokens = new PageTokens(deps.config.tokenSecret);
  const archive = await openArchive(deps.config);
  app.addHook('onClose', async () => archive.close());
  await typed.register(transitRoutes({ transits, reference: deps.reference, pageTokens, archive }));
  const journalStatus = (country: CountryCode) => readJournalStatus(deps.client, deps.config.taskQueues.transits, country, deps.config.journalMaxLagSeconds);
  await typed.register(actionRoutes({ transits, reference: deps.reference, journalStatus }));
  await typed.register(escalationRoutes({ transits, reference: deps.reference, pageTokens }));
  await typed.register(subscriptionRoutes({ ...deps, transits }));
  await typed.register(reconciliationRoutes(deps));
  await typed.register(views.routes);
  await app.register(codecEndpointFor(deps.config));
  return app;
}
