import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { UnavailableError } from './errors.ts';

export const defaultDashboardDir = fileURLToPath(new URL('../dashboard/dist', import.meta.url));

/** Serves the built dashboard, or answers 503 at `/` saying how to build it. */
export async function serveDashboard(app: FastifyInstance, dir: string): Promise<void> {
  if (!existsSync(join(dir, 'index.html'))) {
    app.log.warn({ dir }, 'dashboard not built: run `npm run build:dashboard`');
    app.get('/', { schema: { hide: true } }, async () => {
      throw new UnavailableError('dashboard not built: run `npm run build:dashboard`');
    });
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    index: 'index.html',
    wildcard: true,
    schemaHide: true,
    cacheControl: false,
    setHeaders: (res, path) => {
      // hashed asset names may be cached for long; index.html must always be fresh
      res.setHeader(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
}
