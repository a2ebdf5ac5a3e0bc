import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../app.ts';
import { demoRoster } from '../../../domain/noc/index.ts';
import type { CompiledCatalog } from '../../../domain/catalog/index.ts';
import { createNocService } from '../../../processors/noc/index.ts';
import type { NocApiContext } from './common.ts';
import type { OwnerSince } from '../owner-since.ts';
import { complaintRoutes } from './complaints.ts';
import { Recorder } from '../care/recorder.ts';
import { impactRoutes, cellsOf } from './impact.ts';
import { resourceRoutes } from './resources.ts';
import { ticketRoutes } from './tickets.ts';

export { cellsOf, type NocApiContext };

/**
 * Network operations (issue 6): tickets, technician flow, outage impact and goodwill, alarms,
 * technicians, complaints. One encapsulated plugin because the NOC KV bucket opens asynchronously.
 */
export function nocRoutes(
  app: FastifyInstance,
  deps: ApiDeps & { catalog: CompiledCatalog; ownerSince?: OwnerSince },
): void {
  void app.register(async (child) => {
    const roster = demoRoster();
    const svc = await createNocService(deps.nats, { clock: deps.clock, log: deps.log, roster });
    const ctx: NocApiContext = {
      svc,
      ch: deps.ch,
      clock: deps.clock,
      ids: deps.ids,
      log: deps.log,
      roster,
      catalog: deps.catalog,
      recorder: new Recorder(deps.nats.js, deps.clock, deps.ids),
      ...(deps.ownerSince ? { ownerSince: deps.ownerSince } : {}),
    };
    ticketRoutes(child, ctx);
    impactRoutes(child, ctx);
    resourceRoutes(child, ctx);
    complaintRoutes(child, ctx);
  });
}
export { startNocLive, NOC_TICKETS_EVENT, nocRooms } from './live.ts';
