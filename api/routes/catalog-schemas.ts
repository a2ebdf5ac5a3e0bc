import { Type } from '@sinclair/typebox';

/** Request and response schemas of the catalog routes (one source for validation, types and OpenAPI). */

const Name = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });
const Actor = Type.Object({ userId: Type.String(), role: Type.String() });

/** The candidate document: any JSON object here; its own schema (CatalogFile) is checked by the route, naming the field at fault. */
const CandidateCatalog = Type.Object(
  {},
  {
    additionalProperties: true,
    maxProperties: 32,
    description: 'the candidate catalog (same schema as catalog/default.json, see docs/charging.md §2)',
  },
);

export const CatalogBody = Type.Object({ catalog: CandidateCatalog }, { additionalProperties: false });

export const PutBody = Type.Object(
  {
    catalog: CandidateCatalog,
    reason: Type.String({ minLength: 3, maxLength: 500, description: 'why: kept with the version (audit)' }),
  },
  { additionalProperties: false },
);

export const Issue = Type.Object({
  code: Type.String({
    description: 'stable code, e.g. SCHEMA, UNPRICED, UNPRICEABLE_PLAN, RETROACTIVE_VERSION',
  }),
  path: Type.String({ description: 'JSON pointer into the candidate catalog' }),
  message: Type.String(),
});

export const ValidateResult = Type.Object({
  ok: Type.Boolean(),
  unchanged: Type.Boolean({ description: 'identical to the catalog in force' }),
  catalogVersion: Type.Optional(Type.String()),
  issues: Type.Array(Issue),
});

export const RejectedBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    field: Type.Optional(Type.String()),
    issues: Type.Optional(Type.Array(Issue)),
  }),
});

const PlanVersionView = Type.Object({
  version: Type.Integer(),
  effectiveFromMs: Type.Integer(),
  monthlyFeeFen: Type.Integer({ description: 'integer fen (分)' }),
  rateTable: Type.String(),
  inForce: Type.Boolean({ description: 'effective now or earlier: history that may no longer change' }),
});

export const CatalogView = Type.Object({
  version: Type.Integer({ description: '0 = the catalog file (nothing stored yet)' }),
  source: Type.Union([Type.Literal('kv'), Type.Literal('file')]),
  catalogVersion: Type.String(),
  savedAtMs: Type.Union([Type.Integer(), Type.Null()]),
  savedBy: Type.Union([Actor, Type.Null()]),
  reason: Type.String(),
  plans: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Name,
      type: Type.String(),
      payment: Type.String(),
      versions: Type.Array(PlanVersionView),
    }),
  ),
  document: Type.Unknown({ description: 'the catalog document in force' }),
});

export const VersionsBody = Type.Object({
  inForce: Type.Integer(),
  versions: Type.Array(
    Type.Object({
      version: Type.Integer(),
      catalogVersion: Type.String(),
      savedAtMs: Type.Integer(),
      savedBy: Actor,
      reason: Type.String(),
    }),
  ),
});
