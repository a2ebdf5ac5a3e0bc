import Fastify, { LogController, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from '../infra/config/index.ts';
import type { Nats } from '../infra/nats/index.ts';
import type { ClickHouse } from '../infra/clickhouse/index.ts';
import type { Metrics } from '../infra/metrics/index.ts';
import type { Logger } from '../infra/log/index.ts';
import type { Clock, IdGenerator } from '../domain/index.ts';
import type { CompiledCatalog } from '../domain/catalog/index.ts';
import { makeErrorHandler, MethodNotAllowedError, NotFoundError } from './errors.ts';
import { AuthStore, authRoutes, installAuthHook, SESSION_COOKIE } from './auth/index.ts';
import { registerRoutes } from './routes/index.ts';
import type { MessageGateway } from './routes/care/outbox.ts';
import { startNocLive } from './routes/noc/index.ts';
import { ownerSince } from './routes/owner-since.ts';
import { attachSocket, joinRooms, LIVE_EVENT, NOC_ROOM, startLiveFeed } from './live/index.ts';
import { defaultDashboardDir, serveDashboard } from './dashboard.ts';
import {
  defaultUserRateLimits,
  installCsrfGuard,
  installFiniteNumberGuard,
  installUserRateLimits,
  installValidators,
  methodsAt,
  notFoundKind,
  recordRoutes,
  type RouteEntry,
  type UserRateLimits,
} from './security/index.ts';

export interface ApiDeps {
  config: Config;
  nats: Nats;
  ch: ClickHouse;
  metrics: Metrics;
  log: Logger;
  clock: Clock;
  ids: IdGenerator;
  /** The tariff catalog in force; default catalog/default.json. */
  catalog?: CompiledCatalog;
  /** Built dashboard folder; default `dashboard/dist`. */
  dashboardDir?: string;
  /** Login attempts allowed per IP and username per window; default 10 per minute. */
  loginRateLimit?: { max: number; windowMs: number };
  /** Per-user budgets for lookups and CSV exports; default 300 lookups and 20 exports a minute per route. */
  userRateLimits?: UserRateLimits;
  /** Where SMS and e-mail go; default a simulated gateway (care/outbox.ts). */
  messageGateway?: MessageGateway;
}

export interface Api {
  app: FastifyInstance;
  /** Every route with its declared roles (null = public), for the authorization matrix. */
  routes: readonly RouteEntry[];
  /** Ends live sockets whose session was logged out or expired (also runs every 30 s). */
  recheckSockets(): Promise<number>;
  /** Listens on config HOST:PORT (PORT 0 = random) and returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

const csp = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // Lit uses constructable stylesheets; uPlot and Swagger UI set inline style attributes
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  upgradeInsecureRequests: null,
};

/** Builds the API (routes, auth, docs, socket.io, live feed, dashboard) without listening. */
export async function createApi(deps: ApiDeps): Promise<Api> {
  const { config, log } = deps;
  const app = Fastify({
    loggerInstance: log,
    // our own onResponse log below names the route pattern, never the URL (it carries numbers)
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => deps.ids.next('req'),
    bodyLimit: 64 * 1024,
  }) as unknown as FastifyInstance;
  installValidators(app);

  const routes = recordRoutes(app);
  installUserRateLimits(app, deps.userRateLimits ?? defaultUserRateLimits);
  app.setErrorHandler(makeErrorHandler(log));
  const methodsAtPath = methodsAt(routes);
  app.setNotFoundHandler((request, reply) => {
    const allowed = methodsAtPath(request.url);
    if (notFoundKind(request.method, allowed) === 'method_not_allowed') {
      void reply.header('allow', allowed.join(', '));
      throw new MethodNotAllowedError(request.method, allowed);
    }
    throw new NotFoundError('no such route');
  });
  // Paths carry phone numbers: log the route pattern, never the URL.
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  await app.register(helmet, { contentSecurityPolicy: { directives: csp } });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'StreamBSS API',
        version: '0.1.0',
        description: 'Real-time BSS: charging, care and NOC.',
      },
      components: { securitySchemes: { cookieAuth: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const store = await AuthStore.open(deps.nats.nc, deps.clock);
  installCsrfGuard(app);
  installFiniteNumberGuard(app);
  installAuthHook(app, store);
  authRoutes(app, {
    store,
    sessionTtlSec: config.SESSION_TTL_SEC,
    loginMax: deps.loginRateLimit?.max ?? 10,
    loginWindowMs: deps.loginRateLimit?.windowMs ?? 60_000,
  });
  registerRoutes(app, deps);
  await serveDashboard(app, deps.dashboardDir ?? defaultDashboardDir);

  const sockets = attachSocket(app, store);
  const io = sockets.io;
  const feed = startLiveFeed({
    nc: deps.nats.nc,
    clock: deps.clock,
    log,
    push: (snapshot) => io.to(NOC_ROOM).emit(LIVE_EVENT, snapshot),
  });
  io.on('connection', (socket) => joinRooms(socket, feed));
  const nocLive = startNocLive({ io, nc: deps.nats.nc, log, ownerSince: ownerSince(deps.nats.nc) });
  app.addHook('preClose', async () => {
    io.local.disconnectSockets(true);
  });
  app.addHook('onClose', async () => {
    store.close();
    feed.stop();
    nocLive.stop();
    sockets.stop();
    io.engine.close();
  });

  await app.ready();
  return {
    app,
    routes,
    recheckSockets: sockets.recheck,
    listen: async () => {
      const address = await app.listen({ port: config.PORT, host: config.HOST });
      return address.replace('://[::1]', '://localhost');
    },
    close: () => app.close(),
  };
}
