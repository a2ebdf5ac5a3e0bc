import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { checkCatalogChange, type CatalogIssue, type CompiledCatalog } from '../../domain/catalog/index.ts';
import {
  CatalogConflictError,
  CatalogWatch,
  fileCatalog,
  listCatalogVersions,
  saveCatalogVersion,
  type CatalogInForce,
} from '../../processors/rating/index.ts';
import type { ApiDeps } from '../app.ts';
import { sessionOf } from '../auth/index.ts';
import { ApiError, UnavailableError } from '../errors.ts';
import { ErrorBody } from '../schemas.ts';
import {
  CatalogBody,
  CatalogView,
  PutBody,
  RejectedBody,
  ValidateResult,
  VersionsBody,
} from './catalog-schemas.ts';

/** A refused catalog: 400 naming the first path at fault, with every issue listed. */
export class CatalogRejectedError extends ApiError {
  constructor(readonly issues: CatalogIssue[]) {
    const first = issues[0];
    super(
      'VALIDATION_FAILED',
      `catalog refused: ${issues
        .slice(0, 5)
        .map((i) => `${i.path || '/'}: ${i.message} (${i.code})`)
        .join('; ')}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}`.slice(0, 2000),
      `/catalog${first && first.path !== '/' ? first.path : ''}`,
    );
  }
  override toBody() {
    const b = super.toBody();
    return { error: { ...b.error, issues: this.issues.slice(0, 100) } };
  }
}

/**
 * A CompiledCatalog that always reads through to the version in force, so routes written for a
 * fixed catalog (plans, comparison, explanations, bills) follow admin edits without a restart.
 */
function liveView(current: () => CompiledCatalog): CompiledCatalog {
  return new Proxy({} as CompiledCatalog, {
    get: (_t, k) => Reflect.get(current(), k) as unknown,
    has: (_t, k) => Reflect.has(current(), k),
    ownKeys: () => Reflect.ownKeys(current()),
    getOwnPropertyDescriptor: (_t, k) => {
      const d = Reflect.getOwnPropertyDescriptor(current(), k);
      return d ? { ...d, configurable: true } : undefined;
    },
  });
}

const view = (c: CatalogInForce, nowMs: number) => ({
  version: c.version,
  source: c.source,
  catalogVersion: c.catalogVersion,
  savedAtMs: c.savedAtMs,
  savedBy: c.savedBy,
  reason: c.reason,
  plans: c.document.plans.map((p) => ({
    id: p.id,
    name: p.name,
    type: p.type,
    payment: p.payment,
    versions: p.versions.map((v) => ({
      version: v.version,
      effectiveFromMs: v.effectiveFromMs,
      monthlyFeeFen: v.monthlyFeeFen,
      rateTable: v.rateTable,
      inForce: v.effectiveFromMs <= nowMs,
    })),
  })),
  document: c.document,
});

/**
 * The tariff catalog as data admins edit (资费配置): read the version in force and its history,
 * dry-run a candidate, and replace it. A replacement is checked like the dry run; refused, it
 * changes nothing. Accepted, it is stored as the next version in the `catalog` KV bucket (with who
 * saved it and why — the audit trail, also projected into ClickHouse `catalog_audit`), and every
 * process watching the bucket (rating, other API instances) switches to it.
 * Returns the live catalog for the other route modules.
 */
export function catalogRoutes(app: FastifyInstance, deps: ApiDeps): CompiledCatalog {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const file = fileCatalog(deps.config.CATALOG_FILE);
  const fallback: CatalogInForce = deps.catalog ? { ...file, catalog: deps.catalog } : file;
  let watch: CatalogWatch | null = null;
  const opening = CatalogWatch.open(deps.nats.nc, { fallback, log: deps.log }).then((w) => (watch = w));
  opening.catch(() => undefined); // reported by the onReady hook / the first request
  app.addHook('onReady', async () => void (await opening));
  app.addHook('onClose', async () => watch?.stop());
  const ready = async (): Promise<CatalogWatch> => {
    try {
      return watch ?? (await opening);
    } catch (err) {
      throw new UnavailableError(`catalog store unavailable: ${(err as Error).message.slice(0, 100)}`);
    }
  };
  const inForce = () => watch?.info() ?? fallback;

  r.get(
    '/api/v1/catalog',
    {
      schema: {
        tags: ['catalog'],
        summary: 'The tariff catalog in force: its version, plans (with versions in force) and the document',
        security: [{ cookieAuth: [] }],
        response: { 200: CatalogView, 401: ErrorBody, 403: ErrorBody, 503: ErrorBody },
      },
      config: { roles: ['agent', 'noc', 'supervisor', 'admin'] },
    },
    async () => view((await ready()).info(), deps.clock.nowMs()),
  );

  r.get(
    '/api/v1/catalog/versions',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Stored catalog versions, newest first: who saved each, when and why (version 0 = the file)',
        security: [{ cookieAuth: [] }],
        response: { 200: VersionsBody, 401: ErrorBody, 403: ErrorBody, 503: ErrorBody },
      },
      config: { roles: ['supervisor', 'admin'] },
    },
    async () => {
      const w = await ready();
      return { inForce: w.info().version, versions: await listCatalogVersions(w.kv) };
    },
  );

  r.post(
    '/api/v1/catalog/validate',
    {
      schema: {
        tags: ['catalog'],
        summary:
          'Dry run: would this catalog be accepted? Schema errors name the field; unpriceable plans, window gaps/overlaps and changes to what is in force are listed with a reason',
        security: [{ cookieAuth: [] }],
        body: CatalogBody,
        response: { 200: ValidateResult, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 503: ErrorBody },
      },
      config: { roles: ['supervisor', 'admin'] },
    },
    async (request) => {
      const active = (await ready()).info();
      const c = checkCatalogChange(request.body.catalog, {
        active: active.document,
        nowMs: deps.clock.nowMs(),
      });
      return c.ok
        ? { ok: true, unchanged: c.unchanged, catalogVersion: c.file.catalogVersion, issues: [] }
        : { ok: false, unchanged: false, issues: c.issues.slice(0, 500) };
    },
  );

  r.put(
    '/api/v1/catalog',
    {
      schema: {
        tags: ['catalog'],
        summary:
          'Replace the catalog (admin): refused with every reason when invalid (nothing changes); accepted as the next version, audited, picked up by rating',
        security: [{ cookieAuth: [] }],
        body: PutBody,
        response: {
          200: Type.Object({
            version: Type.Integer(),
            catalogVersion: Type.String(),
            changed: Type.Boolean(),
            savedAtMs: Type.Union([Type.Integer(), Type.Null()]),
          }),
          400: RejectedBody,
          401: ErrorBody,
          403: ErrorBody,
          409: ErrorBody,
          503: ErrorBody,
        },
      },
      config: { roles: ['admin'] },
    },
    async (request) => {
      const w = await ready();
      const active = w.info();
      const nowMs = deps.clock.nowMs();
      const c = checkCatalogChange(request.body.catalog, { active: active.document, nowMs });
      if (!c.ok) throw new CatalogRejectedError(c.issues);
      if (c.unchanged)
        return {
          version: active.version,
          catalogVersion: active.catalogVersion,
          changed: false,
          savedAtMs: active.savedAtMs,
        };
      const s = sessionOf(request);
      const meta = {
        version: active.version + 1,
        savedAtMs: nowMs,
        savedBy: { userId: s.username, role: s.role },
        reason: request.body.reason,
      };
      let revision: number;
      try {
        revision = await saveCatalogVersion(w.kv, c.file, meta, active.revision);
      } catch (err) {
        if (err instanceof CatalogConflictError) throw new ApiError('REVISION_CONFLICT', err.message);
        throw err;
      }
      w.adopt({
        ...meta,
        source: 'kv',
        catalogVersion: c.file.catalogVersion,
        document: c.file,
        catalog: c.catalog,
        revision,
      });
      request.log.info(
        { version: meta.version, catalogVersion: c.file.catalogVersion, actor: s.username },
        'catalog replaced',
      );
      await deps.ch.client
        .insert({
          table: `${deps.ch.db}.catalog_audit`,
          format: 'JSONEachRow',
          values: [
            {
              version: meta.version,
              catalog_version: c.file.catalogVersion,
              at: nowMs,
              actor: s.username,
              actor_role: s.role,
              reason: meta.reason,
              plans: c.file.plans.length,
              document: JSON.stringify(c.file),
            },
          ],
        })
        .catch((err: unknown) =>
          // the KV version itself records who, when and why; the ClickHouse row is its projection
          request.log.warn({ err, version: meta.version }, 'catalog audit row not written'),
        );
      return {
        version: meta.version,
        catalogVersion: c.file.catalogVersion,
        changed: true,
        savedAtMs: nowMs,
      };
    },
  );

  return liveView(() => inForce().catalog);
}
