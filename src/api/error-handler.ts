import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiError, type FieldError } from './errors.ts';

/** Bad input is never a 500: every refusal says which field and why, or what to do instead. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      return reply.code(error.statusCode).send({ error: error.code, message: error.message, fr: error.fr, en: error.en, ...error.details });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'body';
      const errors: FieldError[] = error.validation.map((issue) => ({
        path: fieldPath(where, issue.instancePath),
        message: issue.message ?? 'invalid value',
      }));
      const fr = `${errors.length} champ(s) refusé(s)`;
      const en = `${errors.length} field(s) refused`;
      return reply.code(400).send({ error: 'INVALID_REQUEST', message: `${fr} / ${en}`, fr, en, errors });
    }
    const status = error.statusCode ?? 500;
    if (status === 413) {
      const fr = "le corps de la requête dépasse ce que l'API accepte";
      const en = 'the request body is larger than the API accepts';
      return reply.code(413).send({ error: 'PAYLOAD_TOO_LARGE', message: `${fr} / ${en}`, fr, en });
    }
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: error.code ?? 'INVALID_REQUEST', message: error.message, fr: error.message, en: error.message });
    }
    request.log.error({ err: error }, 'unexpected error');
    const fr = 'une erreur inattendue est survenue ; elle a été consignée';
    const en = 'an unexpected error occurred; it has been logged';
    return reply.code(500).send({ error: 'INTERNAL', message: `${fr} / ${en}`, fr, en });
  });
}

/** "/goodsItems/0/netMassKg" → "goodsItems[0].netMassKg", the way a declarant reads a form. */
export function fieldPath(where: string, instancePath: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  const joined = parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  if (where === 'body') return joined || '(body)';
  return joined ? `${where}.${joined}` : where;
}
