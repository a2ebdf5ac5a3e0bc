import type {
  AddOn,
  CatalogFile,
  DestinationKind,
  LocalisedName,
  Plan,
  PlanVersion,
  Validity,
} from './schema.ts';

/**
 * The catalog precompiled into lookup structures for the rating hot path: windows become a sorted
 * table of day offsets, destination prefixes a digit trie, prices flat arrays indexed by window.
 * Built once per catalog load by `loadCatalog` (after validation); never mutated afterwards.
 */

export interface CompiledWindows {
  ids: string[];
  names: LocalisedName[];
  nameById: Map<string, LocalisedName>;
  /** Start of each schedule span in ms after local midnight, ascending, first is 0. */
  spanStartMs: number[];
  /** End of each span (exclusive), ms after local midnight; the last is 86_400_000. */
  spanEndMs: number[];
  /** Window index of each span. */
  spanWindow: number[];
}

export interface CompiledDestination {
  index: number;
  id: string;
  kind: DestinationKind;
  name: LocalisedName;
}

export interface CompiledTimedRate {
  firstIncrementSec: number;
  incrementSec: number;
  unitSec: number;
  /** Price per unitSec by window index. */
  priceFen: number[];
}

export interface CompiledRates {
  id: string;
  /** By destination index; null for free classes. */
  voice: (CompiledTimedRate | null)[];
  voiceRoamingSurchargeFen: number;
  voiceRoamingIncomingFen: number;
  /** Price per message by destination index then window index; null for free classes. */
  sms: (number[] | null)[];
  smsRoamingSurchargeFen: number;
  dataIncrementBytes: number;
  dataUnitBytes: number;
  dataPriceFen: number[];
  dataRoamingSurchargeFen: number;
}

export interface CompiledPlanVersion {
  planId: string;
  planName: LocalisedName;
  planType: Plan['type'];
  payment: Plan['payment'];
  version: number;
  effectiveFromMs: number;
  monthlyFeeFen: number;
  validity: Validity;
  allowances: PlanVersion['allowances'];
  rates: CompiledRates;
  creditLimitFen: number;
  lowBalanceFen: number;
  firstPeriodPercentOff: number;
  bonusDataFirstBytes: number;
  bonusDataEveryBytes: number;
  /** Window index in which data is free (no allowance drawn), or -1. */
  freeDataWindow: number;
}

export interface CompiledPlan {
  id: string;
  name: LocalisedName;
  type: Plan['type'];
  payment: Plan['payment'];
  /** Ascending by effectiveFromMs. */
  versions: CompiledPlanVersion[];
}

export interface CompiledCatalog {
  catalogVersion: string;
  source: CatalogFile;
  windows: CompiledWindows;
  destinations: CompiledDestination[];
  trie: PrefixTrie;
  plans: Map<string, CompiledPlan>;
  /** Add-on packs on sale, by id, in catalog order. */
  addOns: Map<string, AddOn>;
  dueDays: number;
  /** The monthly fee of a suspended line (停机保号), fen. */
  keepNumberFeeFen: number;
}

export const DEFAULT_LOW_BALANCE_FEN = 500;
/** 停机保号's monthly fee when the catalog does not set `billing.keepNumberFeeFen`: ¥5. */
export const DEFAULT_KEEP_NUMBER_FEE_FEN = 500;

/** Digit trie over the E.164 digits after '+'. Node 0 is '+'. */
export interface PrefixTrie {
  /** children[node * 10 + digit] = child node or -1. */
  children: Int32Array;
  /** Destination index for a prefix rule without callerRegion, or -1. */
  any: Int32Array;
  /** Destination index for an `exact` rule, or -1. */
  exact: Int32Array;
  /** Caller-region specific rules per node (sparse). */
  byRegion: (Map<string, number> | undefined)[];
}

function buildTrie(catalog: CatalogFile, destIndex: Map<string, number>): PrefixTrie {
  const children: number[] = new Array<number>(10).fill(-1);
  const any: number[] = [-1];
  const exact: number[] = [-1];
  const byRegion: (Map<string, number> | undefined)[] = [undefined];
  for (const rule of catalog.prefixes) {
    let node = 0;
    for (let i = 1; i < rule.prefix.length; i++) {
      const d = rule.prefix.charCodeAt(i) - 48;
      let next = children[node * 10 + d] ?? -1;
      if (next < 0) {
        next = any.length;
        any.push(-1);
        exact.push(-1);
        byRegion.push(undefined);
        for (let k = 0; k < 10; k++) children.push(-1);
        children[node * 10 + d] = next;
      }
      node = next;
    }
    const dest = destIndex.get(rule.destination) ?? -1;
    if (rule.exact) exact[node] = dest;
    else if (rule.callerRegion !== undefined) {
      const m = byRegion[node] ?? new Map<string, number>();
      m.set(rule.callerRegion, dest);
      byRegion[node] = m;
    } else any[node] = dest;
  }
  return {
    children: Int32Array.from(children),
    any: Int32Array.from(any),
    exact: Int32Array.from(exact),
    byRegion,
  };
}

/**
 * Longest-prefix match of an E.164 number for a caller in `callerRegion`. Returns
 * `destinationIndex * 32 + matchedPrefixLength` (packed to avoid allocating), or -1 if nothing matched.
 */
export function matchPrefix(trie: PrefixTrie, number: string, callerRegion: string): number {
  let node = 0;
  let best = nodeDest(trie, 0, callerRegion);
  if (best >= 0) best = best * 32 + 1;
  const len = number.length;
  for (let i = 1; i < len; i++) {
    const digit = number.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) break;
    const next = trie.children[node * 10 + digit] ?? -1;
    if (next < 0) break;
    node = next;
    const d = nodeDest(trie, node, callerRegion);
    if (d >= 0) best = d * 32 + i + 1;
    if (i === len - 1) {
      const e = trie.exact[node] ?? -1;
      if (e >= 0) best = e * 32 + len;
    }
  }
  return best;
}

function nodeDest(trie: PrefixTrie, node: number, callerRegion: string): number {
  const r = trie.byRegion[node];
  if (r !== undefined) {
    const d = r.get(callerRegion);
    if (d !== undefined) return d;
  }
  return trie.any[node] ?? -1;
}

function windowPrices(prices: Record<string, number>, windowIds: string[]): number[] {
  return windowIds.map((w) => prices[w] ?? 0);
}

/** Builds the lookup structures. Assumes `validateSemantics` found no issues. */
export function compileCatalog(catalog: CatalogFile): CompiledCatalog {
  const windowIds = catalog.windows.map((w) => w.id);
  const windowIndex = new Map(windowIds.map((id, i) => [id, i]));
  const spans = [...catalog.windowSchedule].sort((a, b) => a.startMinute - b.startMinute);
  const windows: CompiledWindows = {
    ids: windowIds,
    names: catalog.windows.map((w) => w.name),
    nameById: new Map(catalog.windows.map((w) => [w.id, w.name])),
    spanStartMs: spans.map((s) => s.startMinute * 60_000),
    spanEndMs: spans.map((s) => s.endMinute * 60_000),
    spanWindow: spans.map((s) => windowIndex.get(s.window) ?? 0),
  };
  const destinations = catalog.destinationClasses.map((d, index) => ({
    index,
    id: d.id,
    kind: d.kind,
    name: d.name,
  }));
  const destIndex = new Map(destinations.map((d) => [d.id, d.index]));
  const rateTables = new Map<string, CompiledRates>();
  for (const [id, t] of Object.entries(catalog.rateTables)) {
    rateTables.set(id, {
      id,
      voice: destinations.map((d) => {
        const r = t.voice.byDestination[d.id];
        if (d.kind === 'free' || !r) return null;
        return { ...r, priceFen: windowPrices(r.priceFen, windowIds) };
      }),
      voiceRoamingSurchargeFen: t.voice.roamingSurchargeFen,
      voiceRoamingIncomingFen: t.voice.roamingIncomingFen,
      sms: destinations.map((d) => {
        const r = t.sms.byDestination[d.id];
        return d.kind === 'free' || !r ? null : windowPrices(r.priceFen, windowIds);
      }),
      smsRoamingSurchargeFen: t.sms.roamingSurchargeFen,
      dataIncrementBytes: t.data.incrementBytes,
      dataUnitBytes: t.data.unitBytes,
      dataPriceFen: windowPrices(t.data.priceFen, windowIds),
      dataRoamingSurchargeFen: t.data.roamingSurchargeFen,
    });
  }
  const plans = new Map<string, CompiledPlan>();
  for (const p of catalog.plans) {
    const versions = [...p.versions]
      .sort((a, b) => a.effectiveFromMs - b.effectiveFromMs)
      .map((v): CompiledPlanVersion => {
        let firstPeriodPercentOff = 0;
        let bonusDataFirstBytes = 0;
        let bonusDataEveryBytes = 0;
        let freeDataWindow = -1;
        for (const promo of v.promotions) {
          if (promo.kind === 'first_period_discount') firstPeriodPercentOff = promo.percentOff;
          else if (promo.kind === 'bonus_data') {
            if (promo.periods === 'first') bonusDataFirstBytes += promo.bytes;
            else bonusDataEveryBytes += promo.bytes;
          } else freeDataWindow = windowIndex.get(promo.window) ?? -1;
        }
        const rates = rateTables.get(v.rateTable);
        if (!rates) throw new Error(`unknown rate table ${v.rateTable}`);
        return {
          planId: p.id,
          planName: p.name,
          planType: p.type,
          payment: p.payment,
          version: v.version,
          effectiveFromMs: v.effectiveFromMs,
          monthlyFeeFen: v.monthlyFeeFen,
          validity: v.validity,
          allowances: v.allowances,
          rates,
          creditLimitFen: v.creditLimitFen ?? 0,
          lowBalanceFen: v.lowBalanceFen ?? DEFAULT_LOW_BALANCE_FEN,
          firstPeriodPercentOff,
          bonusDataFirstBytes,
          bonusDataEveryBytes,
          freeDataWindow,
        };
      });
    plans.set(p.id, { id: p.id, name: p.name, type: p.type, payment: p.payment, versions });
  }
  return {
    catalogVersion: catalog.catalogVersion,
    source: catalog,
    windows,
    destinations,
    trie: buildTrie(catalog, destIndex),
    plans,
    addOns: new Map((catalog.addOns ?? []).map((a) => [a.id, a])),
    dueDays: catalog.billing.dueDays,
    keepNumberFeeFen: catalog.billing.keepNumberFeeFen ?? DEFAULT_KEEP_NUMBER_FEE_FEN,
  };
}

/** The plan version in force at `atMs` (latest effectiveFromMs ≤ atMs), or undefined before the first. */
export function versionAt(plan: CompiledPlan, atMs: number): CompiledPlanVersion | undefined {
  const vs = plan.versions;
  for (let i = vs.length - 1; i >= 0; i--) {
    const v = vs[i];
    if (v !== undefined && v.effectiveFromMs <= atMs) return v;
  }
  return undefined;
}

/** Index of the schedule span containing `msOfDay`. */
export function spanAt(w: CompiledWindows, msOfDay: number): number {
  const ends = w.spanEndMs;
  for (let i = 0; i < ends.length; i++) if (msOfDay < (ends[i] ?? 0)) return i;
  return ends.length - 1;
}
