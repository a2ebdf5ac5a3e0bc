/**
 * Ajv coerces a string such as "1e309" to Infinity and then lets it pass `integer`, `minimum` and
 * `maximum` (ajv 8 with coerceTypes). No StreamBSS field means Infinity or NaN, so after validation
 * every route's params, querystring and body are checked once more: a non-finite number is a 400
 * naming the field, never a value handed to a handler (where it became a 500).
 */
import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../errors.ts';

const MAX_DEPTH = 64;

/** JSON-pointer path of the first non-finite number in `value`, or null when there is none. */
export function nonFinitePath(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path || '/';
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return null;
  if (ArrayBuffer.isView(value)) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = nonFinitePath(value[i], `${path}/${i}`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    const p = nonFinitePath(v, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1);
    if (p) return p;
  }
  return null;
}

/** Refuses non-finite numbers in validated params, querystring and body (see the module note). */
export function installFiniteNumberGuard(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    for (const part of [request.params, request.query, request.body]) {
      const field = nonFinitePath(part);
      if (field) throw new ValidationError(field, `${field} must be a finite number`);
    }
  });
}
