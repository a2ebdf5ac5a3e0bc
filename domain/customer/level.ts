/**
 * Customer level and points (用户等级与积分). The rule, as told to customers:
 *
 * - Spend points: 1 point per whole yuan charged for rated usage over the last 12 months.
 * - Tenure points: 100 points per full year since the customer registered (capped at 10 years).
 * - Levels by total points: 普通 standard 0, 银卡 silver 1,000, 金卡 gold 3,000,
 *   白金 platinum 8,000, 钻石 diamond 20,000.
 *
 * Worked example: 2,345.67 yuan spent in 12 months and 3 years 2 months of tenure →
 * 2,345 + 300 = 2,645 points → silver; 355 points to gold.
 */
export const YEAR_MS = 365 * 86_400_000;
export const TENURE_POINTS_PER_YEAR = 100;
export const TENURE_YEARS_CAP = 10;

export const levels = [
  { id: 'standard', minPoints: 0, name: { 'zh-CN': '普通', en: 'Standard' } },
  { id: 'silver', minPoints: 1_000, name: { 'zh-CN': '银卡', en: 'Silver' } },
  { id: 'gold', minPoints: 3_000, name: { 'zh-CN': '金卡', en: 'Gold' } },
  { id: 'platinum', minPoints: 8_000, name: { 'zh-CN': '白金', en: 'Platinum' } },
  { id: 'diamond', minPoints: 20_000, name: { 'zh-CN': '钻石', en: 'Diamond' } },
] as const;
export type LevelId = (typeof levels)[number]['id'];

export interface LevelResult {
  level: LevelId;
  levelName: { 'zh-CN': string; en: string };
  points: number;
  spendPoints: number;
  tenurePoints: number;
  nextLevel: LevelId | null;
  pointsToNext: number;
}

/** Level and points from spend over the last 12 months (fen) and the registration time. */
export function levelOf(spendFen12m: number, registeredAtMs: number, nowMs: number): LevelResult {
  const spendPoints = Math.max(0, Math.floor(spendFen12m / 100));
  const years = Math.max(0, Math.floor((nowMs - registeredAtMs) / YEAR_MS));
  const tenurePoints = Math.min(years, TENURE_YEARS_CAP) * TENURE_POINTS_PER_YEAR;
  const points = spendPoints + tenurePoints;
  let idx = 0;
  levels.forEach((l, i) => {
    if (points >= l.minPoints) idx = i;
  });
  const cur = levels[idx] ?? levels[0];
  const next = levels[idx + 1];
  return {
    level: cur.id,
    levelName: cur.name,
    points,
    spendPoints,
    tenurePoints,
    nextLevel: next ? next.id : null,
    pointsToNext: next ? next.minPoints - points : 0,
  };
}
