import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../app.ts';
import { opsRoutes } from './ops.ts';
import { usageRoutes } from './usage.ts';
import { ingestRoutes } from './ingest.ts';
import { deadLetterRoutes } from './dead-letters.ts';
import { careRoutes } from './care/index.ts';
import { nocRoutes } from './noc/index.ts';
import { chargingRoutes } from './charging.ts';
import { rerateRoutes } from './rerate.ts';
import { nocHistoryRoutes } from './noc-history.ts';

/**
 * Every route module of the API, registered in one place. A new area adds its module here
 * (one line) and keeps its routes, schemas and tests in its own file(s) under api/routes/.
 */
export function registerRoutes(app: FastifyInstance, deps: ApiDeps): void {
  opsRoutes(app, deps);
  usageRoutes(app, deps);
  ingestRoutes(app, deps);
  deadLetterRoutes(app, deps);
  careRoutes(app, deps);
  nocRoutes(app, deps);
  chargingRoutes(app, deps);
  rerateRoutes(app, deps);
  nocHistoryRoutes(app, deps);
}
