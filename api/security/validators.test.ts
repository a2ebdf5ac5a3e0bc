import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { installValidators } from './validators.ts';
import { makeErrorHandler } from '../errors.ts';
import { createLogger } from '../../infra/log/index.ts';

async function appWithRoute() {
  const app = Fastify();
  installValidators(app);
  app.setErrorHandler(makeErrorHandler(createLogger('silent')));
  const Role = { $id: 'Role', type: 'string', enum: ['agent', 'admin'] };
  app.post(
    '/pay/:line',
    {
      schema: {
        params: { type: 'object', properties: { line: { type: 'integer' } } },
        querystring: {
          type: 'object',
          properties: { dry: { type: 'boolean' }, tags: { type: 'array', items: { type: 'string' } } },
        },
        body: {
          type: 'object',
          required: ['amountFen'],
          properties: {
            amountFen: { type: 'integer', minimum: 1 },
            role: Role,
            at: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
    async (req) => ({ params: req.params, query: req.query, body: req.body }),
  );
  // a second route embedding the same $id schema must compile too
  app.post(
    '/who',
    { schema: { body: { type: 'object', properties: { role: Role } } } },
    async (req) => req.body,
  );
  await app.ready();
  return app;
}

describe('installValidators', () => {
  it('refuses a body whose money arrives as a string or a boolean, naming the field', async () => {
    const app = await appWithRoute();
    for (const amountFen of ['100', true]) {
      const r = await app.inject({ method: 'POST', url: '/pay/1', payload: { amountFen } });
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: '/amountFen' } });
    }
    const ok = await app.inject({ method: 'POST', url: '/pay/1', payload: { amountFen: 100 } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().body).toEqual({ amountFen: 100 });
  });

  it('still reads numbers, booleans and one-element lists from the address', async () => {
    const app = await appWithRoute();
    const r = await app.inject({ method: 'POST', url: '/pay/7?dry=true&tags=a', payload: { amountFen: 5 } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ params: { line: 7 }, query: { dry: true, tags: ['a'] } });
    const bad = await app.inject({ method: 'POST', url: '/pay/x', payload: { amountFen: 5 } });
    expect(bad.statusCode).toBe(400);
  });

  it('knows formats and lets two routes share an $id schema', async () => {
    const app = await appWithRoute();
    const bad = await app.inject({
      method: 'POST',
      url: '/pay/1',
      payload: { amountFen: 5, at: 'yesterday' },
    });
    expect(bad.json()).toMatchObject({ error: { field: '/at' } });
    const who = await app.inject({ method: 'POST', url: '/who', payload: { role: 'admin' } });
    expect(who.json()).toEqual({ role: 'admin' });
  });
});
