import type { Cdr, SmsCdr, VoiceCdr } from '../events/cdr.ts';
import {
  localMsOfDay,
  matchPrefix,
  spanAt,
  type CompiledCatalog,
  type CompiledPlanVersion,
} from '../catalog/index.ts';
import { RatingError } from './errors.ts';
import { assertLineOpen } from './closure.ts';
import { planOf, rollTo, versionOf, type Effects } from './period.ts';
import { applyIncrements, roundHalfUpDiv, shareByTime, splitByWindow } from './split.ts';
import { checkAllowance, checkBalance } from './thresholds.ts';
import { reasonCode } from './reason.ts';
import type {
  LedgerEntry,
  NoteCode,
  PeriodCharges,
  RatedSegment,
  RatedUsage,
  RatingBreakdown,
  RatingNotification,
  Service,
  SubscriberState,
} from './types.ts';

export interface RateResult {
  rated: RatedUsage;
  newState: SubscriberState;
  /** Always contains the usage entry keyed `cdr:<cdrId>` (amount 0 when fully covered), last. */
  ledger: LedgerEntry[];
  notifications: RatingNotification[];
}

export interface RateOptions {
  /** Stamp for `ratedAtMs`; defaults to the end of the usage (deterministic on replay). */
  ratedAtMs?: number;
}

type Destination = RatingBreakdown['destination'];

/** Priced usage before allowances: one entry per time-window run. */
interface Draft {
  service: Service;
  unit: 'sec' | 'sms' | 'byte';
  destination: Destination;
  increments: { firstUnits: number; nextUnits: number } | null;
  segments: RatedSegment[];
  allowanceEligible: boolean;
  perUnits: number;
}

/**
 * Rates one CDR for one subscriber. Pure and deterministic: the result depends only on the
 * arguments. Throws RatingError (never retryable) for a CDR of another subscriber, an unknown
 * plan, or a time before the plan's first version. Rules: docs/charging.md.
 */
export function rate(
  catalog: CompiledCatalog,
  state: SubscriberState,
  cdr: Cdr,
  opts: RateOptions = {},
): RateResult {
  if (cdr.msisdn !== state.msisdn)
    throw new RatingError(
      'WRONG_SUBSCRIBER',
      `CDR of ${cdr.msisdn} given to the state of ${state.msisdn}`,
      '/msisdn',
    );
  // A closed line takes usage only from before its closure (a late record): charged, never allowance.
  const closed = state.closedAtMs !== undefined;
  if (closed && cdr.startMs >= (state.closedAtMs ?? 0))
    assertLineOpen(state, `${cdr.type} usage of ${new Date(cdr.startMs).toISOString()}`);
  const fx: Effects = { state, ledger: [], notifications: [] };
  rollTo(catalog, state, cdr.startMs, fx);
  let s = fx.state;
  // Usage from before the last plan change that arrives late is priced on the plan it was made on.
  const planId = s.previousPlan && cdr.startMs < s.previousPlan.untilMs ? s.previousPlan.planId : s.planId;
  const v = versionOf(planOf(catalog, planId), cdr.startMs);
  const notes: NoteCode[] = [];
  const inPeriod = cdr.startMs >= s.periodStartMs && cdr.startMs < s.periodEndMs;
  if (closed) notes.push('after_closure');
  else if (!inPeriod) notes.push(cdr.startMs < s.periodStartMs ? 'before_period' : 'validity_expired');
  if (cdr.roaming) notes.push('roaming');

  const d = draft(catalog, v, cdr, notes);
  const segs = d.segments;
  // Increments round the whole record up; the extra units belong to its last segment.
  let rawUnits = 0;
  for (const g of segs) rawUnits += g.rawUnits;
  let billedUnits = 0;
  if (d.increments) {
    billedUnits = applyIncrements(rawUnits, d.increments.firstUnits, d.increments.nextUnits);
    const last = segs[segs.length - 1];
    if (last) last.billedUnits = last.rawUnits + (billedUnits - rawUnits);
  } else for (const g of segs) billedUnits += g.billedUnits;
  for (const g of segs) if (g.freeUnits < 0) g.freeUnits = g.billedUnits;

  // Allowance first (chronologically), then overage.
  const bucket = s.allowances[d.service];
  let remaining = d.allowanceEligible && inPeriod ? Math.max(0, bucket.totalUnits - bucket.usedUnits) : 0;
  let drawn = 0;
  let num = 0;
  for (const g of segs) {
    const chargeable = g.billedUnits - g.freeUnits;
    const a = chargeable < remaining ? chargeable : remaining;
    g.allowanceUnits = a;
    remaining -= a;
    drawn += a;
    g.chargedUnits = chargeable - a;
    num += g.priceFen * g.chargedUnits;
  }
  let exactFen = `${num}/${d.perUnits}`;
  let chargeFen: number;
  if (Number.isSafeInteger(num)) chargeFen = roundHalfUpDiv(num, d.perUnits);
  else {
    let big = 0n;
    for (const g of segs) big += BigInt(g.priceFen) * BigInt(g.chargedUnits);
    exactFen = `${big}/${d.perUnits}`;
    const q = big / BigInt(d.perUnits);
    chargeFen = Number((big % BigInt(d.perUnits)) * 2n >= BigInt(d.perUnits) ? q + 1n : q);
  }

  const usedBefore = bucket.usedUnits;
  if (drawn > 0) {
    const allowances = {
      ...s.allowances,
      [d.service]: { totalUnits: bucket.totalUnits, usedUnits: usedBefore + drawn },
    };
    s = { ...s, allowances };
    checkAllowance(s, d.service, usedBefore, usedBefore + drawn, cdr.startMs, fx.notifications);
  }
  const key = `cdr:${cdr.cdrId}`;
  if (chargeFen > 0) {
    const before = s.balanceFen;
    const final =
      closed && s.payment === 'postpaid' ? s.closedPeriods[s.closedPeriods.length - 1] : undefined;
    if (final) {
      // late usage of a closed postpaid line goes on its final bill (if that is not issued yet)
      const closedPeriods = s.closedPeriods.slice(0, -1);
      closedPeriods.push({ ...final, charges: addCharge(final.charges, d.service, chargeFen) });
      s = { ...s, balanceFen: before - chargeFen, closedPeriods };
    } else s = { ...s, balanceFen: before - chargeFen, charges: addCharge(s.charges, d.service, chargeFen) };
    // a closed line is barred for good: no threshold notices
    if (!closed) s = checkBalance(s, before, cdr.startMs, key, fx.notifications, v);
  }
  fx.ledger.push({
    key,
    msisdn: s.msisdn,
    kind: 'usage',
    direction: 'debit',
    amountFen: chargeFen,
    balanceAfterFen: s.balanceFen,
    atMs: cdr.startMs,
    planId: v.planId,
    planVersion: v.version,
    service: d.service,
    allowanceUnits: drawn,
  });

  const breakdown: RatingBreakdown = {
    catalogVersion: catalog.catalogVersion,
    planId: v.planId,
    planVersion: v.version,
    planName: v.planName,
    service: d.service,
    roaming: cdr.roaming,
    destination: d.destination,
    unit: d.unit,
    rawUnits,
    billedUnits,
    increments: d.increments,
    segments: segs,
    allowance:
      drawn > 0 || (d.allowanceEligible && bucket.totalUnits > 0)
        ? {
            bucket: d.service,
            totalUnits: bucket.totalUnits,
            usedBefore,
            drawnUnits: drawn,
            usedAfter: usedBefore + drawn,
          }
        : null,
    exactFen,
    rounding: 'half_up',
    chargeFen,
    balanceAfterFen: s.balanceFen,
    notes,
  };
  if (cdr.type !== 'data') breakdown.direction = cdr.direction;
  const endMs = cdr.type === 'sms' ? cdr.startMs : cdr.startMs + cdr.durationSec * 1000;
  const rated: RatedUsage = {
    cdr,
    planId: v.planId,
    planVersion: v.version,
    chargeFen,
    billableUnits: billedUnits,
    unit: d.unit,
    allowanceUsed: drawn,
    balanceAfterFen: s.balanceFen,
    ratedAtMs: opts.ratedAtMs ?? endMs,
    explanation: reasonCode(breakdown),
    catalogVersion: catalog.catalogVersion,
    breakdown,
  };
  return { rated, newState: s, ledger: fx.ledger, notifications: fx.notifications };
}

function addCharge(c: PeriodCharges, service: Service, fen: number): PeriodCharges {
  if (service === 'voice') return { ...c, voiceFen: c.voiceFen + fen };
  if (service === 'sms') return { ...c, smsFen: c.smsFen + fen };
  return { ...c, dataFen: c.dataFen + fen };
}

function seg(
  window: string,
  startMs: number,
  rawUnits: number,
  priceFen: number,
  perUnits: number,
  billed = rawUnits,
): RatedSegment {
  return {
    window,
    startMs,
    rawUnits,
    billedUnits: billed,
    allowanceUnits: 0,
    freeUnits: 0,
    chargedUnits: 0,
    priceFen,
    perUnits,
  };
}

function classify(
  catalog: CompiledCatalog,
  number: string,
  region: string,
): { index: number; dest: NonNullable<Destination> } {
  const packed = matchPrefix(catalog.trie, number, region);
  const index = packed >> 5;
  const c = catalog.destinations[index];
  if (packed < 0 || !c)
    throw new RatingError('UNPRICED', `no destination class for ${number}`, '/calledNumber');
  return {
    index,
    dest: { id: c.id, kind: c.kind, name: c.name, matchedPrefix: number.slice(0, packed & 31) },
  };
}

function draft(catalog: CompiledCatalog, v: CompiledPlanVersion, cdr: Cdr, notes: NoteCode[]): Draft {
  const w = catalog.windows;
  const r = v.rates;
  if (cdr.type === 'data') {
    const runs = splitByWindow(w, cdr.startMs, cdr.durationSec);
    const bytes = shareByTime(cdr.bytesUp + cdr.bytesDown, runs, cdr.durationSec);
    const surcharge = cdr.roaming ? r.dataRoamingSurchargeFen : 0;
    const segments = runs.map((run, i) => {
      const g = seg(
        w.ids[run.window] ?? '',
        run.startMs,
        bytes[i] ?? 0,
        (r.dataPriceFen[run.window] ?? 0) + surcharge,
        r.dataUnitBytes,
      );
      if (!cdr.roaming && run.window === v.freeDataWindow) g.freeUnits = -1; // marked; sized after increments
      return g;
    });
    if (cdr.roaming) notes.push('no_allowance_roaming');
    const d: Draft = {
      service: 'data',
      unit: 'byte',
      destination: null,
      increments: { firstUnits: r.dataIncrementBytes, nextUnits: r.dataIncrementBytes },
      segments,
      allowanceEligible: !cdr.roaming,
      perUnits: r.dataUnitBytes,
    };
    return withFreeNight(d, notes);
  }
  const service: Service = cdr.type;
  const unit = cdr.type === 'voice' ? 'sec' : 'sms';
  const units = cdr.type === 'voice' ? cdr.durationSec : 1;
  if (cdr.direction === 'mt' && !(cdr.roaming && cdr.type === 'voice'))
    return freeDraft(catalog, cdr, null, 'incoming_free', notes);
  if (cdr.direction === 'mt' && cdr.type === 'voice') {
    // Incoming call while roaming: national increments, one flat roaming price.
    const nat = catalog.destinations.find((x) => x.kind === 'national');
    const tr = (nat && r.voice[nat.index]) ?? { firstIncrementSec: 60, incrementSec: 60, unitSec: 60 };
    const runs = splitByWindow(w, cdr.startMs, cdr.durationSec);
    notes.push('no_allowance_roaming');
    return {
      service,
      unit,
      destination: null,
      increments: { firstUnits: tr.firstIncrementSec, nextUnits: tr.incrementSec },
      segments: runs.map((run) =>
        seg(w.ids[run.window] ?? '', run.startMs, run.seconds, r.voiceRoamingIncomingFen, tr.unitSec),
      ),
      allowanceEligible: false,
      perUnits: tr.unitSec,
    };
  }
  const { index, dest } = classify(catalog, cdr.calledNumber, cdr.region);
  if (dest.kind === 'free') return freeDraft(catalog, cdr, dest, 'free_destination', notes);
  const domestic = dest.kind === 'local' || dest.kind === 'national';
  if (!domestic) notes.push('no_allowance_international');
  else if (cdr.roaming) notes.push('no_allowance_roaming');
  const allowanceEligible = domestic && !cdr.roaming;
  if (cdr.type === 'voice') {
    const tr = r.voice[index];
    if (!tr) throw new RatingError('UNPRICED', `voice to ${dest.id} is not priced`, '/calledNumber');
    const surcharge = cdr.roaming ? r.voiceRoamingSurchargeFen : 0;
    const runs = splitByWindow(w, cdr.startMs, units);
    return {
      service,
      unit,
      destination: dest,
      increments: { firstUnits: tr.firstIncrementSec, nextUnits: tr.incrementSec },
      segments: runs.map((run) =>
        seg(
          w.ids[run.window] ?? '',
          run.startMs,
          run.seconds,
          (tr.priceFen[run.window] ?? 0) + surcharge,
          tr.unitSec,
        ),
      ),
      allowanceEligible,
      perUnits: tr.unitSec,
    };
  }
  const prices = r.sms[index];
  if (!prices) throw new RatingError('UNPRICED', `SMS to ${dest.id} is not priced`, '/calledNumber');
  const win = windowAt(catalog, cdr.startMs);
  const price = (prices[win] ?? 0) + (cdr.roaming ? r.smsRoamingSurchargeFen : 0);
  return {
    service,
    unit,
    destination: dest,
    increments: null,
    segments: [seg(w.ids[win] ?? '', cdr.startMs, 1, price, 1)],
    allowanceEligible,
    perUnits: 1,
  };
}

/** Free usage (incoming at home, free service numbers): segments for the record, nothing billed. */
function freeDraft(
  catalog: CompiledCatalog,
  cdr: VoiceCdr | SmsCdr,
  destination: Destination,
  note: NoteCode,
  notes: NoteCode[],
): Draft {
  notes.push(note);
  const w = catalog.windows;
  const segments: RatedSegment[] = [];
  if (cdr.type === 'voice')
    for (const run of splitByWindow(w, cdr.startMs, cdr.durationSec))
      segments.push(seg(w.ids[run.window] ?? '', run.startMs, run.seconds, 0, 1, 0));
  else segments.push(seg(w.ids[windowAt(catalog, cdr.startMs)] ?? '', cdr.startMs, 1, 0, 1, 0));
  const service: Service = cdr.type;
  return {
    service,
    unit: cdr.type === 'voice' ? 'sec' : 'sms',
    destination,
    increments: null,
    segments,
    allowanceEligible: false,
    perUnits: 1,
  };
}

function windowAt(catalog: CompiledCatalog, atMs: number): number {
  return catalog.windows.spanWindow[spanAt(catalog.windows, localMsOfDay(atMs))] ?? 0;
}

/** Free-night segments are sized after increments, so the draft only marks them (freeUnits = -1). */
function withFreeNight(d: Draft, notes: NoteCode[]): Draft {
  if (!d.segments.some((g) => g.freeUnits < 0)) return d;
  notes.push('free_night_data');
  return d;
}
