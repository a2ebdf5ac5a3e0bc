// Test-only helpers (imported by *.test.ts beside it, never by the module itself). No IO: the demo
// catalog is a JSON module import.
import demoCatalog from '../../catalog/default.json' with { type: 'json' };
import { loadCatalog, shanghaiMs, type CompiledCatalog } from '../catalog/index.ts';
import type { DataCdr, SmsCdr, VoiceCdr } from '../events/cdr.ts';
import { newSubscriber } from './period.ts';
import type { SubscriberState } from './types.ts';
import type { RatingError } from './errors.ts';

/** A fresh deep copy of catalog/default.json (tests may mutate it). */
export function defaultCatalogJson(): unknown {
  return structuredClone(demoCatalog);
}

export function defaultCatalog(): CompiledCatalog {
  const r = loadCatalog(defaultCatalogJson());
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.catalog;
}

export const MSISDN = '+8613800138000';

export function subscriber(
  catalog: CompiledCatalog,
  planId: string,
  opts: {
    activatedAtMs?: number;
    openingBalanceFen?: number;
    used?: Partial<Record<'voice' | 'sms' | 'data', number>>;
  } = {},
): SubscriberState {
  const s = newSubscriber(catalog, {
    msisdn: MSISDN,
    planId,
    activatedAtMs: opts.activatedAtMs ?? shanghaiMs(2025, 3, 1),
    openingBalanceFen: opts.openingBalanceFen ?? 0,
  }).state;
  const a = s.allowances;
  return {
    ...s,
    allowances: {
      voice: { ...a.voice, usedUnits: opts.used?.voice ?? 0 },
      sms: { ...a.sms, usedUnits: opts.used?.sms ?? 0 },
      data: { ...a.data, usedUnits: opts.used?.data ?? 0 },
    },
  };
}

const common = {
  neId: 'msc-bj-1',
  imsi: '460001234567890',
  cellId: 'BJ-BJ-0001-1',
  region: 'BJ',
  msisdn: MSISDN,
};
let seq = 0;

export function voice(
  startMs: number,
  durationSec: number,
  calledNumber = '+8613912345678',
  extra: Partial<VoiceCdr> = {},
): VoiceCdr {
  seq++;
  return {
    ...common,
    type: 'voice',
    recordSeq: seq,
    cdrId: `cdr-v${seq}`,
    startMs,
    roaming: false,
    direction: 'mo',
    calledNumber,
    durationSec,
    ...extra,
  };
}

export function sms(startMs: number, calledNumber = '+8613912345678', extra: Partial<SmsCdr> = {}): SmsCdr {
  seq++;
  return {
    ...common,
    type: 'sms',
    recordSeq: seq,
    cdrId: `cdr-s${seq}`,
    startMs,
    roaming: false,
    direction: 'mo',
    calledNumber,
    ...extra,
  };
}

export function data(
  startMs: number,
  durationSec: number,
  bytes: number,
  extra: Partial<DataCdr> = {},
): DataCdr {
  seq++;
  return {
    ...common,
    type: 'data',
    recordSeq: seq,
    cdrId: `cdr-d${seq}`,
    startMs,
    roaming: false,
    apn: 'cmnet',
    durationSec,
    bytesUp: 0,
    bytesDown: bytes,
    ...extra,
  };
}

/** Deep-freezes a value so a test proves the code under test never mutates its inputs. */
export function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}

/** The RatingError `f` throws, or null when it throws none (for `toMatchObject({ code, field })`). */
export function errorOf(f: () => unknown): RatingError | null {
  try {
    f();
  } catch (e) {
    return e as RatingError;
  }
  return null;
}
