import { compile } from '../events/validate.ts';
import { CatalogFile } from './schema.ts';
import { compileCatalog, type CompiledCatalog } from './compile.ts';
import type { CatalogIssue, CatalogIssueCode } from './errors.ts';

const validateShape = compile(CatalogFile);

export type LoadedCatalog = { ok: true; catalog: CompiledCatalog } | { ok: false; errors: CatalogIssue[] };

/**
 * Validates a catalog document (already JSON-parsed) against its schema and its semantic rules,
 * then compiles it. Never throws for bad input: every problem is returned with its path.
 */
export function loadCatalog(json: unknown): LoadedCatalog {
  const shape = validateShape(json);
  if (!shape.ok)
    return { ok: false, errors: [{ code: 'SCHEMA', path: shape.error.field, message: shape.error.message }] };
  const errors = validateSemantics(shape.value);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, catalog: compileCatalog(shape.value) };
}

/** The rules a schema cannot express: references resolve, windows tile the day, every price exists. */
export function validateSemantics(c: CatalogFile): CatalogIssue[] {
  const out: CatalogIssue[] = [];
  const add = (code: CatalogIssueCode, path: string, message: string): void =>
    void out.push({ code, path, message });

  const windowIds = uniqueIds(
    c.windows.map((w) => w.id),
    '/windows',
    add,
  );
  checkSchedule(c, windowIds, add);
  uniqueIds(
    (c.addOns ?? []).map((a) => a.id),
    '/addOns',
    add,
  );

  const destIds = uniqueIds(
    c.destinationClasses.map((d) => d.id),
    '/destinationClasses',
    add,
  );
  const freeIds = new Set(c.destinationClasses.filter((d) => d.kind === 'free').map((d) => d.id));
  const seenPrefix = new Set<string>();
  let catchAll = false;
  c.prefixes.forEach((p, i) => {
    if (!destIds.has(p.destination))
      add('UNKNOWN_REF', `/prefixes/${i}/destination`, `unknown destination class "${p.destination}"`);
    const key = `${p.prefix}|${p.callerRegion ?? ''}|${p.exact ? 1 : 0}`;
    if (seenPrefix.has(key))
      add('DUPLICATE_PREFIX', `/prefixes/${i}/prefix`, `prefix ${p.prefix} is listed twice`);
    seenPrefix.add(key);
    if (p.prefix === '+' && p.callerRegion === undefined && !p.exact) catchAll = true;
  });
  if (!catchAll)
    add(
      'NO_CATCH_ALL',
      '/prefixes',
      'a catch-all rule with prefix "+" is required so every number has a class',
    );

  for (const [tid, t] of Object.entries(c.rateTables)) {
    const base = `/rateTables/${tid}`;
    checkByDestination(
      t.voice.byDestination,
      `${base}/voice/byDestination`,
      destIds,
      freeIds,
      add,
      (r, path) => checkWindowPrices(r.priceFen, `${path}/priceFen`, windowIds, add),
    );
    checkByDestination(t.sms.byDestination, `${base}/sms/byDestination`, destIds, freeIds, add, (r, path) =>
      checkWindowPrices(r.priceFen, `${path}/priceFen`, windowIds, add),
    );
    checkWindowPrices(t.data.priceFen, `${base}/data/priceFen`, windowIds, add);
  }

  const planIds = new Set<string>();
  c.plans.forEach((p, i) => {
    const base = `/plans/${i}`;
    if (planIds.has(p.id)) add('DUPLICATE_ID', `${base}/id`, `plan id "${p.id}" is used twice`);
    planIds.add(p.id);
    p.versions.forEach((v, j) => {
      const vp = `${base}/versions/${j}`;
      const prev = p.versions[j - 1];
      if (prev && v.version <= prev.version)
        add('VERSION_ORDER', `${vp}/version`, `version ${v.version} must be greater than ${prev.version}`);
      if (prev && v.effectiveFromMs <= prev.effectiveFromMs)
        add(
          'VERSION_ORDER',
          `${vp}/effectiveFromMs`,
          'versions must take effect in strictly increasing time order',
        );
      if (!(v.rateTable in c.rateTables))
        add('UNKNOWN_REF', `${vp}/rateTable`, `unknown rate table "${v.rateTable}"`);
      if (p.payment === 'postpaid' && v.creditLimitFen === undefined)
        add('MISSING_FIELD', `${vp}/creditLimitFen`, 'a postpaid plan needs a credit limit');
      const kinds = new Set<string>();
      v.promotions.forEach((promo, k) => {
        const pp = `${vp}/promotions/${k}`;
        if (promo.kind !== 'bonus_data' && kinds.has(promo.kind))
          add('DUPLICATE_PROMOTION', `${pp}/kind`, `only one ${promo.kind} promotion per version`);
        kinds.add(promo.kind);
        if (promo.kind === 'free_night_data' && !windowIds.has(promo.window))
          add('UNKNOWN_REF', `${pp}/window`, `unknown window "${promo.window}"`);
      });
    });
  });
  return out;
}

type Add = (code: CatalogIssueCode, path: string, message: string) => void;

function uniqueIds(ids: string[], path: string, add: Add): Set<string> {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id)) add('DUPLICATE_ID', `${path}/${i}/id`, `id "${id}" is used twice`);
    seen.add(id);
  });
  return seen;
}

function checkSchedule(c: CatalogFile, windowIds: Set<string>, add: Add): void {
  const spans = c.windowSchedule.map((s, i) => ({ ...s, i })).sort((a, b) => a.startMinute - b.startMinute);
  let cursor = 0;
  for (const s of spans) {
    const path = `/windowSchedule/${s.i}`;
    if (!windowIds.has(s.window)) add('UNKNOWN_REF', `${path}/window`, `unknown window "${s.window}"`);
    if (s.endMinute <= s.startMinute)
      add('WINDOW_EMPTY', `${path}/endMinute`, 'endMinute must be after startMinute');
    if (s.startMinute > cursor)
      add(
        'WINDOW_GAP',
        `${path}/startMinute`,
        `minutes ${cursor}..${s.startMinute} of the day belong to no window`,
      );
    if (s.startMinute < cursor)
      add(
        'WINDOW_OVERLAP',
        `${path}/startMinute`,
        `minute ${s.startMinute} is already covered by another span`,
      );
    cursor = Math.max(cursor, s.endMinute);
  }
  if (cursor < 1440)
    add('WINDOW_GAP', '/windowSchedule', `minutes ${cursor}..1440 of the day belong to no window`);
  c.windows.forEach((w, i) => {
    if (!c.windowSchedule.some((s) => s.window === w.id))
      add('WINDOW_EMPTY', `/windows/${i}/id`, `window "${w.id}" is never in force`);
  });
}

function checkByDestination<T>(
  byDest: Record<string, T>,
  path: string,
  destIds: Set<string>,
  freeIds: Set<string>,
  add: Add,
  each: (rate: T, path: string) => void,
): void {
  for (const id of destIds) {
    const r = byDest[id];
    if (r === undefined) {
      if (!freeIds.has(id)) add('UNPRICED', `${path}/${id}`, `no price for destination class "${id}"`);
    } else each(r, `${path}/${id}`);
  }
  for (const id of Object.keys(byDest))
    if (!destIds.has(id)) add('UNKNOWN_KEY', `${path}/${id}`, `unknown destination class "${id}"`);
}

function checkWindowPrices(
  prices: Record<string, number>,
  path: string,
  windowIds: Set<string>,
  add: Add,
): void {
  for (const w of windowIds)
    if (prices[w] === undefined) add('UNPRICED', `${path}/${w}`, `no price for window "${w}"`);
  for (const w of Object.keys(prices))
    if (!windowIds.has(w)) add('UNKNOWN_KEY', `${path}/${w}`, `unknown window "${w}"`);
}
