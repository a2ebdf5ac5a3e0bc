import type { CompiledCatalog } from './compile.ts';
import type { CatalogIssue, CatalogIssueCode } from './errors.ts';
import { loadCatalog } from './load.ts';
import type { CatalogFile, PlanVersion } from './schema.ts';

/**
 * Checks a candidate catalog before it replaces the one in force (admin edits through the API):
 * the file rules of `loadCatalog` (schema, windows tile the day, every price exists, …), then
 * "unpriceable" checks a plan at a time, then the rules of a *change*: what is already in force
 * (an effective time at or before now) is history — usage was rated with it and explanations are
 * re-derived from it — so it may not be altered, removed or overtaken by a retroactive version.
 * Pure: the catalog in force and the time are given.
 */

export interface ChangeContext {
  /** The catalog document in force now; null when there is none yet (nothing to compare). */
  active: CatalogFile | null;
  nowMs: number;
}

export type CatalogCheck =
  | { ok: true; file: CatalogFile; catalog: CompiledCatalog; unchanged: boolean }
  | { ok: false; issues: CatalogIssue[] };

/** JSON with object keys sorted, so two equal documents give the same text whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function checkCatalogChange(json: unknown, ctx: ChangeContext): CatalogCheck {
  const loaded = loadCatalog(json);
  if (!loaded.ok && loaded.errors.some((e) => e.code === 'SCHEMA'))
    return { ok: false, issues: loaded.errors };
  // the schema passed (loadCatalog reports SCHEMA before anything else), so the shape is known
  const file = json as CatalogFile;
  const issues: CatalogIssue[] = loaded.ok ? [] : [...loaded.errors];
  const add = (code: CatalogIssueCode, path: string, message: string) => issues.push({ code, path, message });
  unpriceablePlans(file, add);
  const unchanged = ctx.active !== null && canonicalJson(ctx.active) === canonicalJson(file);
  if (ctx.active && !unchanged) changeRules(file, ctx.active, ctx.nowMs, add);
  if (issues.length > 0 || !loaded.ok) return { ok: false, issues };
  return { ok: true, file, catalog: loaded.catalog, unchanged };
}

type Add = (code: CatalogIssueCode, path: string, message: string) => void;

const MAX_LISTED = 5;

/**
 * Every plan version must be able to price any usage a line on it can make: voice and SMS to each
 * non-free destination class, and data, in every time window. Rating does not look at the plan
 * type (a data plan's line can still call), so every service counts for every plan.
 */
function unpriceablePlans(c: CatalogFile, add: Add): void {
  const windows = c.windows.map((w) => w.id);
  const paid = c.destinationClasses.filter((d) => d.kind !== 'free').map((d) => d.id);
  c.plans.forEach((p, i) =>
    p.versions.forEach((v, j) => {
      const t = c.rateTables[v.rateTable];
      if (!t) return; // UNKNOWN_REF already names it
      const missing: string[] = [];
      for (const d of paid)
        for (const w of windows) {
          if (t.voice.byDestination[d]?.priceFen[w] === undefined) missing.push(`voice to ${d} in ${w}`);
          if (t.sms.byDestination[d]?.priceFen[w] === undefined) missing.push(`SMS to ${d} in ${w}`);
        }
      for (const w of windows) if (t.data.priceFen[w] === undefined) missing.push(`data in ${w}`);
      if (missing.length === 0) return;
      const more = missing.length > MAX_LISTED ? ` and ${missing.length - MAX_LISTED} more` : '';
      add(
        'UNPRICEABLE_PLAN',
        `/plans/${i}/versions/${j}/rateTable`,
        `plan "${p.id}" version ${v.version} cannot price ${missing.slice(0, MAX_LISTED).join(', ')}${more}: rate table "${v.rateTable}" has no price for it`,
      );
    }),
  );
}

const iso = (ms: number) => new Date(ms).toISOString();

function changeRules(next: CatalogFile, active: CatalogFile, nowMs: number, add: Add): void {
  if (next.catalogVersion === active.catalogVersion)
    add(
      'CATALOG_VERSION_REUSED',
      '/catalogVersion',
      `catalogVersion "${next.catalogVersion}" is the one in force: a changed catalog needs a new identifier (rated records name it)`,
    );
  const nextPlans = new Map(next.plans.map((p, i) => [p.id, { p, i }]));
  const ratesInForce = new Set<string>();
  for (const old of active.plans) {
    const inForce = old.versions.filter((v) => v.effectiveFromMs <= nowMs);
    inForce.forEach((v) => ratesInForce.add(v.rateTable));
    const found = nextPlans.get(old.id);
    if (!found) {
      if (inForce.length > 0)
        add(
          'PLAN_REMOVED',
          '/plans',
          `plan "${old.id}" is in force: lines on it could no longer be rated; stop selling it with a new version instead`,
        );
      continue;
    }
    for (const v of inForce) {
      const j = found.p.versions.findIndex((x) => x.version === v.version);
      if (j < 0) {
        add(
          'ACTIVE_VERSION_CHANGED',
          `/plans/${found.i}/versions`,
          `plan "${old.id}" version ${v.version} is in force since ${iso(v.effectiveFromMs)} and may not be removed`,
        );
        continue;
      }
      if (canonicalJson(found.p.versions[j]) !== canonicalJson(v))
        add(
          'ACTIVE_VERSION_CHANGED',
          `/plans/${found.i}/versions/${j}`,
          `plan "${old.id}" version ${v.version} is in force since ${iso(v.effectiveFromMs)}: usage was rated with it, so it may not change; add a new version with a future effectiveFromMs`,
        );
    }
    const known = new Set(old.versions.map((v) => v.version));
    const lastInForce = inForce.at(-1);
    found.p.versions.forEach((v: PlanVersion, j) => {
      if (known.has(v.version) || v.effectiveFromMs > nowMs) return;
      const after = lastInForce
        ? ` (version ${lastInForce.version} has been in force since ${iso(lastInForce.effectiveFromMs)})`
        : '';
      add(
        'RETROACTIVE_VERSION',
        `/plans/${found.i}/versions/${j}/effectiveFromMs`,
        `plan "${old.id}" version ${v.version} would take effect at ${iso(v.effectiveFromMs)}, before now ${iso(nowMs)}${after}: usage already rated would change price; choose a time after now`,
      );
    });
  }
  for (const p of next.plans)
    if (!active.plans.some((x) => x.id === p.id))
      p.versions.forEach((v, j) => {
        if (v.effectiveFromMs <= nowMs)
          add(
            'RETROACTIVE_VERSION',
            `/plans/${nextPlans.get(p.id)?.i ?? 0}/versions/${j}/effectiveFromMs`,
            `new plan "${p.id}" version ${v.version} would take effect at ${iso(v.effectiveFromMs)}, before now ${iso(nowMs)}: choose a time after now`,
          );
      });
  for (const id of ratesInForce) {
    const before = active.rateTables[id];
    const after = next.rateTables[id];
    if (before && after && canonicalJson(before) !== canonicalJson(after))
      add(
        'ACTIVE_RATES_CHANGED',
        `/rateTables/${id}`,
        `rate table "${id}" prices plan versions in force: changing it would reprice usage already rated; add a new rate table and a new plan version`,
      );
    else if (before && !after)
      add(
        'ACTIVE_RATES_CHANGED',
        `/rateTables/${id}`,
        `rate table "${id}" prices plan versions in force and may not be removed`,
      );
  }
}
