import { versionAt, type CompiledCatalog } from '../catalog/index.ts';
/**
 * Plan selection (资费方案选择): compares catalog plans against a customer's expected monthly usage
 * and suggests the cheapest plan whose allowances cover it. Pure over a plan summary list.
 */
export interface PlanSummary {
  planId: string;
  name: { 'zh-CN': string; en: string };
  type: string;
  payment: string;
  monthlyFeeFen: number;
  voiceSec: number;
  dataBytes: number;
  smsCount: number;
}

export interface ExpectedUsage {
  voiceMin: number;
  dataMb: number;
  sms: number;
}

export interface PlanComparison extends PlanSummary {
  fits: boolean;
  /** What the expected usage exceeds the allowances by (0 when covered). */
  shortfall: { voiceMin: number; dataMb: number; sms: number };
}

const MB = 1024 * 1024;

export function comparePlans(plans: PlanSummary[], u: ExpectedUsage): PlanComparison[] {
  return plans
    .map((p) => {
      const shortfall = {
        voiceMin: Math.max(0, u.voiceMin - Math.floor(p.voiceSec / 60)),
        dataMb: Math.max(0, u.dataMb - Math.floor(p.dataBytes / MB)),
        sms: Math.max(0, u.sms - p.smsCount),
      };
      const fits = shortfall.voiceMin === 0 && shortfall.dataMb === 0 && shortfall.sms === 0;
      return { ...p, fits, shortfall };
    })
    .sort((a, b) => a.monthlyFeeFen - b.monthlyFeeFen || a.planId.localeCompare(b.planId));
}

/**
 * The suggestion: the cheapest plan that covers everything; when none does, the plan with the
 * smallest relative shortfall (then the cheapest), marked as not fitting.
 */
export function suggestPlan(plans: PlanSummary[], u: ExpectedUsage): PlanComparison | null {
  const cmp = comparePlans(plans, u);
  const fitting = cmp.find((p) => p.fits);
  if (fitting) return fitting;
  const gap = (p: PlanComparison) =>
    p.shortfall.voiceMin / Math.max(1, u.voiceMin) +
    p.shortfall.dataMb / Math.max(1, u.dataMb) +
    p.shortfall.sms / Math.max(1, u.sms);
  return [...cmp].sort((a, b) => gap(a) - gap(b) || a.monthlyFeeFen - b.monthlyFeeFen)[0] ?? null;
}

/** Summaries of every plan in the catalog, priced by the version in force at `atMs`. */
export function planSummaries(catalog: CompiledCatalog, atMs: number): PlanSummary[] {
  const out: PlanSummary[] = [];
  for (const p of catalog.plans.values()) {
    const v = versionAt(p, atMs);
    if (!v) continue;
    out.push({
      planId: p.id,
      name: { 'zh-CN': p.name['zh-CN'], en: p.name.en },
      type: p.type,
      payment: p.payment,
      monthlyFeeFen: v.monthlyFeeFen,
      voiceSec: v.allowances.voiceSec ?? 0,
      dataBytes: v.allowances.dataBytes ?? 0,
      smsCount: v.allowances.smsCount ?? 0,
    });
  }
  return out;
}
