import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { installFiniteNumberGuard, nonFinitePath } from './finite-numbers.ts';
import { ApiError } from '../errors.ts';

describe('nonFinitePath', () => {
  it('names the first Infinity or NaN, nested in objects and arrays', () => {
    expect(nonFinitePath({ a: 1, b: [2, { c: Infinity }] })).toBe('/b/1/c');
    expect(nonFinitePath({ 'x/y': NaN })).toBe('/x~1y');
    expect(nonFinitePath(-Infinity)).toBe('/');
  });
  it('passes finite numbers, strings, buffers and null', () => {
    expect(nonFinitePath({ a: 1e300, s: 'Infinity', n: null, b: Buffer.from('x') })).toBeNull();
    expect(nonFinitePath(undefined)).toBeNull();
  });
});

describe('installFiniteNumberGuard', () => {
  it('answers 400 naming the field for a string that ajv coerced to Infinity', async () => {
    const app = Fastify({ ajv: { customOptions: { coerceTypes: 'array' } } });
    app.setErrorHandler((err, _req, reply) => {
      const e = err as ApiError;
      void reply.status(e instanceof ApiError ? 400 : 500).send({ field: e.field, message: e.message });
    });
    installFiniteNumberGuard(app);
    app.post(
      '/x',
      { schema: { body: { type: 'object', properties: { seq: { type: 'integer', minimum: 1 } } } } },
      async (req) => req.body,
    );
    const bad = await app.inject({ method: 'POST', url: '/x', payload: { seq: '1e309' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: '/seq' });
    const good = await app.inject({ method: 'POST', url: '/x', payload: { seq: '5' } });
    expect(good.json()).toEqual({ seq: 5 });
  });
});
