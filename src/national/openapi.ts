// The OpenAPI document of the national system contract, generated from ./contract.ts.
import Fastify from 'fastify';
import fastifySwagger from '@fastify/swagger';
import { registerContractRoutes, swaggerOptions, useContractCompilers } from './routes.ts';

/** Where the generated document is committed, relative to the repository root. */
export const contractDocumentPath = 'docs/national-system-contract.openapi.json';

/** The contract's OpenAPI document, from the contract's routes alone (no sandbox administration). */
export async function buildContractDocument(): Promise<Record<string, unknown>> {
  const app = Fastify({ logger: false });
  useContractCompilers(app);
  await app.register(fastifySwagger, swaggerOptions());
  registerContractRoutes(app, undefined, async () => {
    throw new Error('the contract document has no implementation behind it');
  });
  await app.ready();
  const document = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  return document;
}

/** The document as committed: stable key order from the contract, two-space indent, final newline. */
export async function renderContractDocument(): Promise<string> {
  return `${JSON.stringify(await buildContractDocument(), null, 2)}\n`;
}
