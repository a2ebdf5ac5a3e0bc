/**
 * 停机保号 bookkeeping shared by the routes and the sweep: the due index of suspensions (one key
 * per suspended line, `susp.<number>` in `care_lines`, holding when it ends by itself), and 复机
 * itself. The index is written before the line record and removed after it, so no suspension is
 * ever missing from it; an entry whose line is not (or no longer) suspended is dropped by the
 * sweep.
 */
import { DEFAULT_SUSPENSION_MAX_DAYS, suspensionEndMs } from '../../../domain/orders/index.ts';
import { stableId } from '../../../domain/index.ts';
import { PipelinedPublisher } from '../../../infra/nats/index.ts';
import { sendLineSuspension } from '../../../processors/rating/index.ts';
import { ConflictError } from '../../errors.ts';
import type { CareContext } from './context.ts';
import type { Actor } from './recorder.ts';
import type { LineRecord } from './records.ts';
import { msisdnKey, type Versioned } from './store.ts';

const enc = new TextEncoder();
const SWEEPER: Actor = { userId: 'suspension-sweep', role: 'system' };
/** Set once the suspensions that predate the index have been indexed. */
const BACKFILLED = 'meta.suspension-index-v1';

export const suspensionDueKey = (msisdn: string) => `susp.${msisdnKey(msisdn)}`;
export const maxSuspensionDays = (ctx: CareContext) =>
  ctx.deps.config.SUSPENSION_MAX_DAYS ?? DEFAULT_SUSPENSION_MAX_DAYS;

export async function indexSuspension(
  ctx: CareContext,
  msisdn: string,
  s: { suspensionId: string; untilMs: number },
): Promise<void> {
  await ctx.lines.kv.put(suspensionDueKey(msisdn), enc.encode(JSON.stringify(s)));
}

const publishers = new WeakMap<CareContext, PipelinedPublisher>();
/** Tells charging a line is suspended or resumed (idempotent by id). */
export function sendSuspension(
  ctx: CareContext,
  suspensionId: string,
  msisdn: string,
  suspended: boolean,
  atMs: number,
): Promise<void> {
  let p = publishers.get(ctx);
  if (!p) publishers.set(ctx, (p = new PipelinedPublisher(ctx.deps.nats.js, 16)));
  return sendLineSuspension(p, ctx.deps.config.CDR_PARTITIONS, { suspensionId, msisdn, suspended, atMs });
}

/**
 * 复机: charging first (if the record's write then fails, a retry with the same id changes
 * nothing there), then the line record (compare-and-set: ConflictError if it changed), the
 * audit, and the due index.
 */
export async function resumeLine(
  ctx: CareContext,
  line: Versioned<LineRecord>,
  resumeId: string,
  actor: Actor,
): Promise<NonNullable<LineRecord['suspension']>> {
  const was = line.value.suspension;
  if (!was) throw new Error('resumeLine: the line is not suspended');
  const { msisdn } = line.value;
  await sendSuspension(ctx, resumeId, msisdn, false, ctx.deps.clock.nowMs());
  const { suspension: _ended, ...rest } = line.value;
  await ctx.lines.update(msisdnKey(msisdn), rest, line.revision);
  await ctx.recorder.audit(actor, 'line.resumed', 'order', resumeId, {
    customerId: line.value.customerId,
    changes: [{ field: 'suspension', before: 'suspended', after: null }],
  });
  await ctx.lines.kv.delete(suspensionDueKey(msisdn)).catch(() => undefined);
  return was;
}

export interface SuspensionSweepResult {
  suspended: number;
  resumed: string[];
  dropped: number;
  /** The earliest planned 复机 still ahead (to sweep again then), or null. */
  nextDueMs: number | null;
}

/** Resumes the suspensions whose end has come (预约复机 or the maximum); drops stale index entries. */
export async function sweepSuspensions(ctx: CareContext, nowMs: number): Promise<SuspensionSweepResult> {
  const out: SuspensionSweepResult = { suspended: 0, resumed: [], dropped: 0, nextDueMs: null };
  const maxDays = maxSuspensionDays(ctx);
  for (const key of await ctx.lines.keys('susp.*')) {
    const msisdn = `+${key.slice('susp.'.length)}`;
    const line = await ctx.lines.get(msisdnKey(msisdn));
    const s = line?.value.suspension;
    if (!line || !s) {
      await ctx.lines.kv.delete(key).catch(() => undefined);
      out.dropped++;
      continue;
    }
    out.suspended++;
    const endMs = suspensionEndMs(s, maxDays);
    if (endMs > nowMs) {
      out.nextDueMs = Math.min(out.nextDueMs ?? endMs, endMs);
      continue;
    }
    try {
      await resumeLine(ctx, line, stableId('resume', msisdn, 'auto', s.suspensionId), SWEEPER);
      out.resumed.push(msisdn);
    } catch (err) {
      // resumed (or changed) by someone else meanwhile: theirs is the newer word
      if (!(err instanceof ConflictError)) throw err;
    }
  }
  return out;
}

/** Indexes the suspensions recorded before the index existed, once per bucket. */
export async function backfillSuspensionIndex(ctx: CareContext): Promise<number> {
  const kv = ctx.lines.kv;
  if ((await kv.get(BACKFILLED))?.operation === 'PUT') return 0;
  let n = 0;
  // line records are the one-token keys
  for (const key of await ctx.lines.keys('*')) {
    const s = await ctx.lines.get(key).then(
      (l) => l?.value.suspension,
      (err: unknown) => ctx.deps.log.warn({ key, err }, 'suspension index: unreadable line record skipped'),
    );
    if (!s) continue;
    await indexSuspension(ctx, `+${key}`, {
      suspensionId: s.suspensionId,
      untilMs: suspensionEndMs(s, maxSuspensionDays(ctx)),
    });
    n++;
  }
  await kv.put(BACKFILLED, enc.encode(JSON.stringify({ suspensions: n })));
  if (n)
    ctx.deps.log.info({ suspensions: n }, 'suspension index: indexed the suspensions recorded before it');
  return n;
}
