// The contract's routes on a fastify instance, made from the list of operations. The
// sandbox serves them; the OpenAPI document is generated from them with stub handlers,
// so the document and the service cannot drift apart.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  createJsonSchemaTransform,
  createJsonSchemaTransformObject,
  hasZodFastifySchemaValidationErrors,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { SwaggerOptions } from '@fastify/swagger';
import {
  contractDescription,
  contractRegistry,
  contractVersion,
  ErrorAnswer,
  Health,
  IdempotencyHeaders,
  operationNames,
  operations,
  Refusal,
  type ErrorAnswer as ErrorAnswerBody,
  type NationalCountry,
  type OperationName,
} from './contract.ts';

export type OperationDispatch = (name: OperationName, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** @fastify/swagger options shared by the sandbox and the contract document generator. */
export function swaggerOptions(): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Corridor — national customs system contract',
        version: contractVersion,
        description: contractDescription,
      },
      tags: [
        { name: 'movements', description: "The national system's records of transit movements." },
        { name: 'guarantees', description: 'Guarantees (cautions) and the reservations of amounts at risk.' },
        { name: 'journal', description: "The ordered journal of the system's transit events, read with a cursor." },
        { name: 'system', description: 'Health of the system.' },
      ],
    },
    transform: createJsonSchemaTransform({ schemaRegistry: contractRegistry }),
    transformObject: (documentObject) => finishDocument(withComponents(documentObject) as OpenApiDocument),
  };
}

const withComponents = createJsonSchemaTransformObject({ schemaRegistry: contractRegistry });

type OpenApiDocument = {
  paths?: Record<string, Record<string, { responses?: Record<string, { description?: string }> }>>;
  components?: { schemas?: Record<string, unknown> };
};

const answerDescriptions: Record<string, string> = {
  '200': 'Done (or, for a call that creates a record, the record already existed with the same content).',
  '201': 'Created.',
  '400': 'Malformed request: every field at fault is listed; nothing was done.',
  '401': "The credential is neither Corridor's nor a valid credential of a user of this system; nothing was done.",
  '403': 'Refusal: the user may not record this act (not their office, not their declaration, not their role); nothing was done.',
  '404': 'Refusal: the movement, guarantee or reservation is unknown; nothing was done.',
  '409': 'Business refusal with a machine-readable code; nothing was done.',
  '422': 'The Idempotency-Key was already used for a different call; nothing was done.',
  '503': 'Unavailable; nothing was done. Retry with the same Idempotency-Key.',
};

/**
 * Gives every answer a meaningful description, and drops component schemas that nothing
 * references (the zod provider emits an input and an output copy of each named schema).
 */
function finishDocument(document: OpenApiDocument): OpenApiDocument {
  for (const methods of Object.values(document.paths ?? {})) {
    for (const op of Object.values(methods)) {
      for (const [status, answer] of Object.entries(op.responses ?? {})) {
        if (answer.description === 'Default Response' && answerDescriptions[status]) answer.description = answerDescriptions[status];
      }
    }
  }
  const schemas = document.components?.schemas;
  if (!schemas) return document;
  const referenced = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith('#/components/schemas/')) {
        const name = child.slice('#/components/schemas/'.length);
        if (!referenced.has(name)) {
          referenced.add(name);
          visit(schemas[name]);
        }
      } else visit(child);
    }
  };
  visit(document.paths);
  for (const name of Object.keys(schemas)) if (!referenced.has(name)) delete schemas[name];
  return document;
}

/** Zod validation and serialisation, and answers in the contract's error shape. */
export function useContractCompilers(app: FastifyInstance): void {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = (error.validationContext ?? 'body') as 'body' | 'params' | 'querystring' | 'headers';
      const errors = error.validation.map((v) => ({ in: where, path: v.instancePath || '/', message: v.message ?? 'invalid' }));
      const body: ErrorAnswerBody = {
        code: 'REQUEST_INVALID',
        reason: `invalid ${where}: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
        errors,
      };
      return reply.code(400).send(body);
    }
    const status = typeof (error as { statusCode?: unknown }).statusCode === 'number' ? (error as { statusCode: number }).statusCode : 500;
    if (status >= 400 && status < 500) {
      // Unparseable JSON, wrong content type, body too large: malformed all the same.
      const body: ErrorAnswerBody = { code: 'REQUEST_INVALID', reason: (error as Error).message, errors: [] };
      return reply.code(400).send(body);
    }
    request.log.error({ err: error }, 'unexpected failure');
    const body: ErrorAnswerBody = { code: 'INTERNAL', reason: 'unexpected failure of the national system' };
    return reply.code(500).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorAnswerBody = { code: 'ROUTE_UNKNOWN', reason: `no route ${request.method} ${request.url}` };
    return reply.code(404).send(body);
  });
}

/** Registers GET /health and one route per operation; `dispatch` answers them. */
export function registerContractRoutes(app: FastifyInstance, country: NationalCountry | undefined, dispatch: OperationDispatch): void {
  app.route({
    method: 'GET',
    url: '/health',
    schema: { operationId: 'health', tags: ['system'], summary: 'Health of the system', response: { 200: Health } },
    handler: async () => ({ status: 'ok' as const, country, contractVersion }),
  });
  for (const name of operationNames) {
    const op = operations[name];
    const refusalList = op.refusals.map((code) => `\`${code}\``).join(', ');
    app.route({
      method: op.method,
      url: op.path,
      schema: {
        operationId: name,
        tags: [op.tag],
        summary: op.summary,
        description: `${op.description}${refusalList ? `\n\nRefusals: ${refusalList}.` : ''}`,
        ...(Object.keys(op.params.shape).length > 0 ? { params: op.params } : {}),
        ...(op.query ? { querystring: op.query } : {}),
        ...(op.mutating ? { headers: IdempotencyHeaders } : {}),
        ...(op.body ? { body: op.body } : {}),
        response: {
          [op.status]: op.response,
          ...(op.status === 201 ? { 200: op.response } : {}),
          400: ErrorAnswer,
          // Every operation needs Corridor's credential or a user's, reads included.
          401: ErrorAnswer,
          ...(op.mutating ? { 403: Refusal } : {}),
          404: Refusal,
          ...(op.mutating ? { 409: Refusal, 422: ErrorAnswer } : {}),
          503: ErrorAnswer,
        },
      },
      handler: (request, reply) => dispatch(name, request, reply),
    });
  }
}
