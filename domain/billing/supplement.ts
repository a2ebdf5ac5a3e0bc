import type { Bill, BillLine } from '../rating/index.ts';

/**
 * 补收账单 (supplementary bill). Usage can reach charging after its period was billed: a call
 * made before 销户 or 携号转网 and reported after the final bill (迟到话单) is charged to that
 * last period. Without a bill for it, the account owes money no bill explains. A later billing
 * run of the month issues a supplementary bill for what the period's charges now exceed the
 * bills already issued by, line by line. Pure.
 *
 * Only increases are billed: a line that came out lower (it does not happen with late usage,
 * which only adds) is left to an adjustment at the counter.
 */
export function supplementaryBill(
  /** The period's bill as the line's charges give it now (closeBill at the run time). */
  current: Bill,
  /** The bills already issued for the period: the original first, then earlier supplements. */
  issued: Bill[],
  dueDays: number,
): Bill | null {
  const original = issued.find((b) => b.supplements === undefined);
  if (!original) return null;
  const billed = new Map<string, number>();
  for (const b of issued)
    for (const l of b.lines) billed.set(l.code, (billed.get(l.code) ?? 0) + l.amountFen);
  const lines: BillLine[] = [];
  for (const l of current.lines) {
    const more = l.amountFen - (billed.get(l.code) ?? 0);
    if (more > 0) lines.push({ ...l, amountFen: more });
  }
  const totalFen = lines.reduce((a, l) => a + l.amountFen, 0);
  if (totalFen <= 0) return null;
  return {
    ...current,
    // the n-th supplement of the period: a run that finds the same charges again issues none
    billId: `${original.billId}:late:${issued.length}`,
    supplements: original.billId,
    lines,
    totalFen,
    dueAtMs: current.issuedAtMs + dueDays * 86_400_000,
  };
}
