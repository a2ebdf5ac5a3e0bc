/**
 * Request validation: one Ajv for bodies, one for the address (params, querystring, headers).
 *
 * The address arrives as text, so its numbers and booleans are coerced ("20" → 20, a single
 * `?type=voice` → ["voice"] where the schema wants a list). A JSON body already says what its
 * values are: coercing it would take `"amountFen": "100"` or `true` as a payment of 100 fen or 1
 * fen. Bodies are therefore checked as sent, and a wrong type is a 400 naming the field.
 */
import { Ajv, type Options } from 'ajv';
import type { FastifyInstance } from 'fastify';
import { addFormats } from '../../domain/events/index.ts';

// What Fastify's own compiler sets, except the coercion. `addUsedSchema: false` lets two routes
// embed the same `$id` schema (Role, ErrorBody); removeAdditional stays off: unknown fields are
// refused by the schemas that forbid them, never dropped silently.
const common: Options = {
  useDefaults: true,
  removeAdditional: false,
  addUsedSchema: false,
  allErrors: false,
};

export type HttpPart = 'body' | 'params' | 'querystring' | 'headers';

/** The validator compiler for each part of a request. */
export function buildValidators(): (part: HttpPart | undefined) => Ajv {
  const body = new Ajv({ ...common, coerceTypes: false });
  const address = new Ajv({ ...common, coerceTypes: 'array' });
  addFormats(body);
  addFormats(address);
  return (part) => (part === 'body' ? body : address);
}

/** Installs the two validators on the app (before any route is registered). */
export function installValidators(app: FastifyInstance): void {
  const forPart = buildValidators();
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = forPart(httpPart as HttpPart | undefined);
    const id = (schema as { $id?: unknown }).$id;
    if (typeof id === 'string') {
      const known = ajv.getSchema(id);
      if (known) return known;
    }
    return ajv.compile(schema);
  });
}
