import { describe, expect, it } from 'vitest';
import { canonicalJson, checkCatalogChange, shanghaiMs, type CatalogFile } from './index.ts';
import { defaultCatalogJson } from '../rating/test-fixtures.ts';

const NOW = shanghaiMs(2026, 3, 15, 12);
const LATER = shanghaiMs(2026, 5, 1);
const base = (): CatalogFile => defaultCatalogJson() as CatalogFile;
const active = base();

function issuesOf(mutate: (c: CatalogFile) => void, nowMs = NOW) {
  const c = base();
  c.catalogVersion = '2026.05-test';
  mutate(c);
  const r = checkCatalogChange(c, { active, nowMs });
  if (r.ok) throw new Error('expected issues');
  return r.issues;
}

/** A new version of changxiang-128 taking effect at `fromMs` (copy of its latest version). */
function addVersion(c: CatalogFile, fromMs: number) {
  const plan = c.plans.find((p) => p.id === 'changxiang-128')!;
  const last = plan.versions.at(-1)!;
  plan.versions.push({ ...structuredClone(last), version: last.version + 1, effectiveFromMs: fromMs });
}

describe('checkCatalogChange: a candidate catalog against the one in force', () => {
  it('accepts a new plan version that takes effect later, and knows an identical document is no change', () => {
    const c = base();
    c.catalogVersion = '2026.05-test';
    addVersion(c, LATER);
    const r = checkCatalogChange(c, { active, nowMs: NOW });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.unchanged).toBe(false);
      expect(r.catalog.plans.get('changxiang-128')?.versions).toHaveLength(3);
    }
    const same = checkCatalogChange(base(), { active, nowMs: NOW });
    expect(same).toMatchObject({ ok: true, unchanged: true });
  });

  it('names the schema field at fault', () => {
    const issues = issuesOf(
      (c) => ((c.plans[2]!.versions[0] as { monthlyFeeFen: unknown }).monthlyFeeFen = 'free'),
    );
    expect(issues).toEqual([
      expect.objectContaining({ code: 'SCHEMA', path: '/plans/2/versions/0/monthlyFeeFen' }),
    ]);
  });

  it('calls a plan unpriceable when its rate table misses a destination class in a window', () => {
    const issues = issuesOf(
      (c) => delete c.rateTables['std-2025']!.voice.byDestination['intl_eu']!.priceFen['night'],
    );
    expect(issues).toContainEqual(
      expect.objectContaining({
        code: 'UNPRICED',
        path: '/rateTables/std-2025/voice/byDestination/intl_eu/priceFen/night',
      }),
    );
    const plan = issues.filter((i) => i.code === 'UNPRICEABLE_PLAN');
    // changxiang-128 v2 and dazhongka-8 v2 use std-2025
    expect(plan.map((i) => i.path).sort()).toEqual([
      '/plans/0/versions/1/rateTable',
      '/plans/5/versions/1/rateTable',
    ]);
    expect(plan[0]!.message).toContain('voice to intl_eu in night');
  });

  it('calls every plan on a rate table unpriceable when a whole service class or data window is missing', () => {
    const issues = issuesOf((c) => {
      delete c.rateTables['std-2024']!.sms.byDestination['national'];
      delete c.rateTables['std-2024']!.data.priceFen['offpeak'];
    });
    const plan = issues.filter((i) => i.code === 'UNPRICEABLE_PLAN');
    expect(plan).toHaveLength(6); // every plan has a version on std-2024
    expect(plan[0]!.message).toMatch(/SMS to national in peak.*data in offpeak|data in offpeak/);
  });

  it('refuses overlapping, gapped and empty windows with the span at fault', () => {
    expect(issuesOf((c) => (c.windowSchedule[1]!.startMinute = 400))).toContainEqual(
      expect.objectContaining({ code: 'WINDOW_OVERLAP', path: '/windowSchedule/1/startMinute' }),
    );
    const empty = issuesOf((c) => {
      c.windowSchedule[2]!.endMinute = c.windowSchedule[2]!.startMinute;
    });
    expect(empty).toContainEqual(
      expect.objectContaining({ code: 'WINDOW_EMPTY', path: '/windowSchedule/2/endMinute' }),
    );
    const unused = issuesOf((c) => {
      c.windows.push({ id: 'lunch', name: { 'zh-CN': '午间', en: 'lunch' } });
    });
    expect(unused).toContainEqual(expect.objectContaining({ code: 'WINDOW_EMPTY', path: '/windows/3/id' }));
  });

  it('refuses a version that would take effect in the past, before versions already in force', () => {
    const issues = issuesOf((c) => addVersion(c, NOW - 86_400_000));
    const r = issues.find((i) => i.code === 'RETROACTIVE_VERSION');
    expect(r).toMatchObject({ path: '/plans/0/versions/2/effectiveFromMs' });
    expect(r!.message).toContain('version 2 has been in force since');
    // the same version in the future is fine
    const c = base();
    c.catalogVersion = '2026.05-test';
    addVersion(c, NOW + 1);
    expect(checkCatalogChange(c, { active, nowMs: NOW }).ok).toBe(true);
  });

  it('keeps what is in force as history: no edit, no removal of a version, a plan or its rates', () => {
    expect(issuesOf((c) => (c.plans[1]!.versions[0]!.monthlyFeeFen = 1))).toContainEqual(
      expect.objectContaining({ code: 'ACTIVE_VERSION_CHANGED', path: '/plans/1/versions/0' }),
    );
    expect(issuesOf((c) => c.plans[0]!.versions.pop())).toContainEqual(
      expect.objectContaining({ code: 'ACTIVE_VERSION_CHANGED', path: '/plans/0/versions' }),
    );
    expect(issuesOf((c) => c.plans.splice(4, 1))).toContainEqual(
      expect.objectContaining({ code: 'PLAN_REMOVED', path: '/plans' }),
    );
    expect(
      issuesOf((c) => (c.rateTables['std-2024']!.voice.byDestination['national']!.priceFen['peak'] = 1)),
    ).toContainEqual(expect.objectContaining({ code: 'ACTIVE_RATES_CHANGED', path: '/rateTables/std-2024' }));
  });

  it('lets a version not yet in force change, and asks for a new catalogVersion when anything changes', () => {
    const future = base();
    future.catalogVersion = '2026.05-test';
    addVersion(future, LATER);
    const edited = structuredClone(future);
    edited.catalogVersion = '2026.05-test2';
    edited.plans[0]!.versions[2]!.monthlyFeeFen = 9900;
    expect(checkCatalogChange(edited, { active: future, nowMs: NOW }).ok).toBe(true);
    const reused = structuredClone(edited);
    reused.catalogVersion = active.catalogVersion;
    expect(checkCatalogChange(reused, { active, nowMs: NOW })).toMatchObject({
      ok: false,
      issues: [expect.objectContaining({ code: 'CATALOG_VERSION_REUSED', path: '/catalogVersion' })],
    });
  });

  it('checks only the file rules when nothing is in force yet', () => {
    const c = base();
    addVersion(c, NOW - 1000);
    expect(checkCatalogChange(c, { active: null, nowMs: NOW }).ok).toBe(true);
  });

  it('canonicalJson ignores key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 }));
  });
});
