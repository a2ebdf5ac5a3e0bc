/**
 * A seeded fuzzer for the API (driven by its OpenAPI document) and the ingest adapters. Every input
 * is generated from a seed, so a failing input is printed with its seed and index and replays
 * exactly. Used by the short always-on test and by `npm run chaos -- --only fuzz` (100k inputs).
 */
import type { FastifyInstance } from 'fastify';
import { encodeBatch } from '../../domain/index.ts';
import { ingestCdrBatch, readCsv, CSV_COLUMNS } from '../../ingest/index.ts';
import { fillPath, type HttpMethod } from './matrix.ts';

export type Rand = () => number;
/** mulberry32: small, fast, seeded. */
export function rng(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const nastyStrings = [
  '',
  ' ',
  'a'.repeat(5000),
  '../../../etc/passwd',
  '%00',
  '\u0000',
  '😀'.repeat(64),
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '${7*7}{{7*7}}',
  '-1',
  '1e309',
  'NaN',
  'null',
  '__proto__',
  'constructor',
  '+86' + '9'.repeat(30),
  '+8613800000042',
  '0x1F',
  '\r\n\r\nX-Injected: 1',
  '\ud800',
  'ＡＢＣ１２３',
  '11010519491231002X',
  '2026-13-45T99:99:99Z',
  '%2e%2e%2f',
];
function nastyValue(r: Rand, depth = 0): unknown {
  const k = Math.floor(r() * 14);
  switch (k) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return pick(r, [-1, 0, -0, 1e308, -1e308, 2 ** 53 + 1, 0.5, 1e-9]);
    case 3:
      return [];
    case 4:
      return {};
    case 5:
      return depth > 2 ? 1 : [nastyValue(r, depth + 1), nastyValue(r, depth + 1)];
    case 6:
      return JSON.parse('{"__proto__":{"role":"admin","isAdmin":true}}');
    case 7:
      return { constructor: { prototype: { polluted: true } } };
    default:
      return pick(r, nastyStrings);
  }
}

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  examples?: unknown[];
  $ref?: string;
}
interface Param {
  in: string;
  name: string;
  schema?: Schema;
}
interface OpenApiOp {
  parameters?: Param[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
export interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOp>>;
  components?: { schemas?: Record<string, Schema> };
}

/** A plausible value for a schema (what a real client might send), to be mutated afterwards. */
function plausible(s: Schema | undefined, r: Rand, doc: OpenApiDoc, depth = 0): unknown {
  if (!s || depth > 6) return null;
  if (s.$ref) return plausible(doc.components?.schemas?.[s.$ref.split('/').pop() ?? ''], r, doc, depth + 1);
  if (s.const !== undefined) return s.const;
  if (s.enum) return pick(r, s.enum);
  if (s.examples?.length) return pick(r, s.examples);
  const alt = s.anyOf ?? s.oneOf;
  if (alt) return plausible(pick(r, alt), r, doc, depth + 1);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {}))
        if (s.required?.includes(k) || r() < 0.5) out[k] = plausible(v, r, doc, depth + 1);
      return out;
    }
    case 'array':
      return [plausible(s.items, r, doc, depth + 1)];
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'string':
      return 'x'.repeat(Math.max(1, s.minLength ?? 3));
    default:
      return null;
  }
}

/** One random mutation of a plausible body: a wrong value deep inside, a missing or an extra field. */
function mutate(v: unknown, r: Rand): unknown {
  if (v === null || typeof v !== 'object' || r() < 0.15) return nastyValue(r);
  if (Array.isArray(v)) {
    if (v.length === 0 || r() < 0.3) return [...v, nastyValue(r)];
    const i = Math.floor(r() * v.length);
    return v.map((x, j) => (j === i ? mutate(x, r) : x));
  }
  const o = { ...(v as Record<string, unknown>) };
  const keys = Object.keys(o);
  const roll = r();
  if (roll < 0.2 && keys.length) delete o[pick(r, keys)];
  else if (roll < 0.35) o[pick(r, ['extra', 'role', 'isAdmin', '__proto__', 'balanceFen'])] = nastyValue(r);
  else if (keys.length) {
    const k = pick(r, keys);
    o[k] = mutate(o[k], r);
  } else o.extra = nastyValue(r);
  return o;
}

export interface FuzzRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

const rawBodies = (r: Rand): { type: string; body: string | Buffer } =>
  pick(r, [
    { type: 'application/json', body: '{"a":' },
    { type: 'application/json', body: '['.repeat(5000) },
    { type: 'application/json', body: '{"a":1,"a":2}' },
    { type: 'application/json', body: 'null' },
    { type: 'application/json', body: '"string"' },
    { type: 'application/json', body: JSON.stringify({ x: 'y'.repeat(70_000) }) },
    { type: 'text/plain', body: 'hello' },
    { type: 'application/x-www-form-urlencoded', body: 'a=1&b=2' },
    { type: 'multipart/form-data; boundary=x', body: '--x\r\n\r\n--x--' },
    { type: 'application/json; charset=utf-16', body: Buffer.from([0xff, 0xfe, 0x7b, 0x00]) },
    { type: 'application/x-ndjson', body: `{"cdrId":1}\n${'\u0000'.repeat(10)}\n{}\n` },
    {
      type: 'application/x-ndjson',
      body: Buffer.from(Array.from({ length: 512 }, () => Math.floor(r() * 256))),
    },
  ]);

/** The i-th fuzz request for an operation (deterministic in seed and i). */
export function fuzzRequest(
  doc: OpenApiDoc,
  op: { method: HttpMethod; path: string },
  ids: Record<string, string>,
  r: Rand,
): FuzzRequest {
  const spec = doc.paths[op.path]?.[op.method.toLowerCase()] ?? {};
  const params = spec.parameters ?? [];
  const pathIds: Record<string, string> = { ...ids };
  const query = new URLSearchParams();
  const kind = r();
  if (kind < 0.25) {
    for (const p of params.filter((x) => x.in === 'path'))
      if (r() < 0.7) pathIds[p.name] = String(nastyValue(r));
  }
  for (const p of params.filter((x) => x.in === 'query')) {
    if (r() < 0.5)
      query.set(p.name, kind < 0.5 ? String(nastyValue(r)) : String(plausible(p.schema, r, doc)));
  }
  if (kind > 0.9) query.set(pick(r, ['limit', 'offset', 'q', 'unknown']), pick(r, nastyStrings));
  const qs = query.toString();
  const url = fillPath(op.path, pathIds) + (qs ? `?${qs}` : '');
  const out: FuzzRequest = { method: op.method, url, headers: {} };
  if (op.method === 'GET' || op.method === 'DELETE') return out;
  if (r() < 0.2) {
    const raw = rawBodies(r);
    out.headers['content-type'] = raw.type;
    out.payload = raw.body;
    return out;
  }
  const bodySchema = spec.requestBody?.content?.['application/json']?.schema;
  out.headers['content-type'] = 'application/json';
  out.payload = JSON.stringify(mutate(plausible(bodySchema, r, doc), r)) ?? 'null';
  return out;
}

export interface FuzzFigures {
  inputs: number;
  byStatus: Record<string, number>;
  fiveXx: number;
  crashes: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** p99 of the requests refused by validation (400, 413, 414, 415): how fast bad input is turned away. */
  rejectP99Ms?: number;
  /** First failures, each with the seed and index that replay it. */
  failures: string[];
}

export function figures(
  lat: number[],
  byStatus: Record<string, number>,
  failures: string[],
  crashes = 0,
  rejectLat: number[] = [],
) {
  const sorted = [...lat].sort((a, b) => a - b);
  const rejects = [...rejectLat].sort((a, b) => a - b);
  const q = (p: number, xs = sorted) =>
    +(xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0).toFixed(2);
  const fiveXx = Object.entries(byStatus)
    .filter(([s]) => s.startsWith('5'))
    .reduce((a, [, n]) => a + n, 0);
  return {
    inputs: lat.length,
    byStatus,
    fiveXx,
    crashes,
    p50Ms: q(0.5),
    p99Ms: q(0.99),
    maxMs: q(1),
    rejectP99Ms: q(0.99, rejects),
    failures: failures.slice(0, 10),
  } satisfies FuzzFigures;
}

/** Sends `n` fuzz requests round-robin over the operations, each as a random one of `cookies`. */
export async function fuzzApi(
  app: FastifyInstance,
  doc: OpenApiDoc,
  ops: readonly { method: HttpMethod; path: string }[],
  cookies: readonly string[],
  ids: Record<string, string>,
  o: { n: number; seed: number; onProgress?: (done: number) => void },
): Promise<FuzzFigures> {
  /** The body sent, so that a failure can be replayed from its line alone. */
  const bodyOf = (req: { payload?: unknown }) =>
    req.payload === undefined
      ? ''
      : typeof req.payload === 'string'
        ? req.payload
        : JSON.stringify(req.payload);
  const r = rng(o.seed);
  const lat: number[] = [];
  const byStatus: Record<string, number> = {};
  const failures: string[] = [];
  let crashes = 0;
  const rejectLat: number[] = [];
  for (let i = 0; i < o.n; i++) {
    if (i > 0 && i % 5000 === 0) o.onProgress?.(i);
    const op = ops[i % ops.length]!;
    const req = fuzzRequest(doc, op, ids, r);
    req.headers.cookie = pick(r, cookies);
    const t0 = performance.now();
    try {
      const res = await app.inject(req);
      const ms = performance.now() - t0;
      lat.push(ms);
      if ([400, 413, 414, 415].includes(res.statusCode)) rejectLat.push(ms);
      byStatus[res.statusCode] = (byStatus[res.statusCode] ?? 0) + 1;
      if (res.statusCode >= 500)
        failures.push(
          `seed ${o.seed} #${i} ${req.method} ${req.url.slice(0, 120)} ${bodyOf(req).slice(0, 300)} → ${res.statusCode} ${res.body.slice(0, 200)}`,
        );
    } catch (e) {
      crashes++;
      lat.push(performance.now() - t0);
      failures.push(`seed ${o.seed} #${i} ${req.method} ${req.url.slice(0, 120)} threw ${String(e)}`);
    }
  }
  return figures(lat, byStatus, failures, crashes, rejectLat);
}

const sampleCdr = {
  type: 'voice',
  cdrId: 'c-1',
  neId: 'msc-1',
  recordSeq: 1,
  msisdn: '+8613800000001',
  imsi: '460001234567890',
  cellId: 'cell-1',
  startMs: 1_780_000_000_000,
  roaming: false,
  durationSec: 60,
  called: '+8613900000002',
};

/** Fuzzes the pure ingest decisions (NATS batch envelope, CSV file) with mutated and random bytes. */
export function fuzzIngest(o: { n: number; seed: number }): FuzzFigures {
  const r = rng(o.seed);
  const lat: number[] = [];
  const byStatus: Record<string, number> = {};
  const failures: string[] = [];
  let crashes = 0;
  const ctx = {
    source: 'fuzz',
    subject: 'raw.cdr.fuzz',
    partitions: 4,
    nowMs: 1_780_000_100_000,
    fallbackId: 'f',
  };
  for (let i = 0; i < o.n; i++) {
    const t0 = performance.now();
    try {
      if (r() < 0.5) {
        const items = Array.from({ length: 1 + Math.floor(r() * 5) }, () => mutate(sampleCdr, r));
        const bytes =
          r() < 0.8
            ? encodeBatch(`b-${i}`, items)
            : Buffer.from(Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256)));
        const res = ingestCdrBatch(bytes, { ...ctx, fallbackId: `f${i}` });
        const k = `batch:${res.accepted > 0 ? 'some-accepted' : 'all-rejected'}`;
        byStatus[k] = (byStatus[k] ?? 0) + 1;
      } else {
        const cols = r() < 0.2 ? [...CSV_COLUMNS, 'extra'] : [...CSV_COLUMNS];
        const row = cols.map(() => (r() < 0.3 ? String(nastyValue(r)) : 'x'));
        const text =
          r() < 0.1
            ? String.fromCharCode(...Array.from({ length: 200 }, () => Math.floor(r() * 65535)))
            : `${cols.join(',')}\n${row.join(',')}\n`;
        const res = readCsv(Buffer.from(text));
        const k = `csv:${res.ok ? 'read' : res.code}`;
        byStatus[k] = (byStatus[k] ?? 0) + 1;
      }
    } catch (e) {
      crashes++;
      failures.push(`seed ${o.seed} #${i} ingest threw ${String(e).slice(0, 200)}`);
    }
    lat.push(performance.now() - t0);
  }
  return figures(lat, byStatus, failures, crashes);
}
