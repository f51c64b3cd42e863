import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiError, type FieldError } from './errors.ts';

/** Bad input is never a 500: every refusal says which field and why, or what to do instead. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      return reply.code(error.statusCode).send({ error: error.code, message: error.message, ...error.details });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'body';
      const errors: FieldError[] = error.validation.map((issue) => ({
        path: fieldPath(where, issue.instancePath),
        message: issue.message ?? 'invalid value',
      }));
      return reply.code(400).send({ error: 'INVALID_REQUEST', message: `${errors.length} field(s) refused`, errors });
    }
    const status = error.statusCode ?? 500;
    if (status === 413) {
      return reply.code(413).send({ error: 'PAYLOAD_TOO_LARGE', message: 'the request body is larger than the API accepts' });
    }
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: error.code ?? 'INVALID_REQUEST', message: error.message });
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send({ error: 'INTERNAL', message: 'an unexpected error occurred; it has been logged' });
  });
}

/** "/goodsItems/0/netMassKg" → "goodsItems[0].netMassKg", the way a declarant reads a form. */
export function fieldPath(where: string, instancePath: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  const joined = parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  if (where === 'body') return joined || '(body)';
  return joined ? `${where}.${joined}` : where;
}
