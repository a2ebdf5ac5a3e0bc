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
import { catalogRoutes } from './catalog.ts';
import { ownerSince } from './owner-since.ts';
import { billRoutes } from './bills.ts';

/**
 * Every route module of the API, registered in one place. A new area adds its module here
 * (one line) and keeps its routes, schemas and tests in its own file(s) under api/routes/.
 */
export function registerRoutes(app: FastifyInstance, deps: ApiDeps): void {
  // the catalog in force, following admin edits (routes that price or list plans read it live)
  const live = { ...deps, catalog: catalogRoutes(app, deps), ownerSince: ownerSince(deps.nats.nc) };
  opsRoutes(app, deps);
  usageRoutes(app, live);
  ingestRoutes(app, deps);
  deadLetterRoutes(app, deps);
  careRoutes(app, live);
  nocRoutes(app, live);
  chargingRoutes(app, live);
  billRoutes(app, live);
  rerateRoutes(app, deps);
  nocHistoryRoutes(app, deps);
}
