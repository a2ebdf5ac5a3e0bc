import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { Clock } from '../../domain/index.ts';
import type { Logger } from '../../infra/log/index.ts';
import type { Metrics } from '../../infra/metrics/index.ts';
import { PipelinedPublisher, publishDeadLetter, type Nats } from '../../infra/nats/index.ts';
import { decideLines } from '../lines.ts';
import { readCsv } from './csv.ts';
import { sleep } from '../../infra/time/index.ts';

export interface InboxDeps {
  nats: Nats;
  partitions: number;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** The watched folder (DATA_DIR/inbox); done/, failed/ and .processed/ live inside it. */
  dir: string;
  pollMs?: number;
  /** A file is taken only once it has not changed for this long (still being written otherwise). */
  settleMs?: number;
  maxFileBytes?: number;
}

export interface FileReport {
  file: string;
  sha256: string;
  status: 'done' | 'failed' | 'duplicate';
  /** Why a whole file failed: empty_file, bad_header, file_too_large, no_good_lines. */
  code?: string;
  reason?: string;
  lines: number;
  accepted: number;
  rejected: number;
  /** The first 1000 rejected lines with their reason. */
  rejections: { line: number; code: string; reason: string; field?: string }[];
  duplicateOf?: string;
  movedTo?: string;
  startedAtMs: number;
  finishedAtMs: number;
}

const SOURCE = 'file';
const DEFAULT_MAX_FILE = 256 * 1024 * 1024;

async function freeName(dir: string, name: string, hash: string): Promise<string> {
  const target = join(dir, name);
  if (!existsSync(target)) return target;
  const ext = extname(name);
  return join(dir, `${basename(name, ext)}.${hash.slice(0, 12)}${ext}`);
}

/**
 * Imports one file: good lines are published (and acknowledged by JetStream) and bad ones
 * dead-lettered BEFORE the file is marked processed and moved, so a crash in between imports
 * it again — harmlessly, since message and dead-letter ids derive from the content.
 * Throws only when NATS refuses (the file then stays in the inbox for the next poll).
 */
export async function importFile(deps: InboxDeps, path: string, bytes: Buffer): Promise<FileReport> {
  const startedAtMs = deps.clock.nowMs();
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const file = basename(path);
  const base = { file, sha256, lines: 0, accepted: 0, rejected: 0, rejections: [], startedAtMs };
  const markFile = join(deps.dir, '.processed', `${sha256}.json`);
  if (existsSync(markFile)) {
    const prior = JSON.parse(await readFile(markFile, 'utf8')) as FileReport;
    return { ...base, status: 'duplicate', duplicateOf: prior.file, finishedAtMs: deps.clock.nowMs() };
  }
  const csv = readCsv(bytes);
  let report: FileReport;
  if (!csv.ok) {
    report = { ...base, status: 'failed', code: csv.code, reason: csv.reason, finishedAtMs: 0 };
  } else {
    const d = decideLines(csv.records, {
      source: SOURCE,
      scope: sha256,
      partitions: deps.partitions,
      nowMs: startedAtMs,
    });
    const pub = new PipelinedPublisher(deps.nats.js, 256);
    await pub.publishAll(d.publishes);
    for (const r of d.rejected) await publishDeadLetter(pub, r.info, r.original);
    await pub.flush();
    for (const r of d.rejected) deps.metrics.deadLettered.inc({ source: SOURCE, code: r.info.code });
    deps.metrics.eventsIn.inc({ source: SOURCE, kind: 'cdr' }, d.accepted);
    const rejections = d.outcomes.flatMap((o) => (o.status === 'rejected' ? [o] : [])).slice(0, 1000);
    report = {
      ...base,
      status: d.accepted > 0 ? 'done' : 'failed',
      ...(d.accepted === 0 ? { code: 'no_good_lines', reason: 'no line of the file was a valid CDR' } : {}),
      lines: d.outcomes.length,
      accepted: d.accepted,
      rejected: d.rejected.length,
      rejections: rejections.map(({ line, code, reason, field }) => ({ line, code, reason, field })),
      finishedAtMs: 0,
    };
  }
  report.finishedAtMs = deps.clock.nowMs();
  // A file refused whole (empty, bad header) is not marked: fixed and dropped again, it imports.
  if (csv.ok) await writeFile(markFile, JSON.stringify(report));
  return report;
}

async function settledFiles(deps: InboxDeps): Promise<string[]> {
  const out: string[] = [];
  const now = Date.now();
  for (const name of (await readdir(deps.dir)).sort()) {
    if (name.startsWith('.') || name.endsWith('.part') || name.endsWith('.tmp')) continue;
    const p = join(deps.dir, name);
    const s = await stat(p).catch(() => null);
    if (!s?.isFile() || now - s.mtimeMs < (deps.settleMs ?? 1000)) continue;
    out.push(p);
  }
  return out;
}

/** One pass over the inbox: imports every settled file, moves it aside with its report. */
export async function processInboxOnce(deps: InboxDeps): Promise<FileReport[]> {
  for (const sub of ['done', 'failed', '.processed']) await mkdir(join(deps.dir, sub), { recursive: true });
  const reports: FileReport[] = [];
  for (const path of await settledFiles(deps)) {
    let report: FileReport;
    const size = (await stat(path)).size;
    const max = deps.maxFileBytes ?? DEFAULT_MAX_FILE;
    if (size > max) {
      const t = deps.clock.nowMs();
      report = {
        file: basename(path),
        sha256: '',
        status: 'failed',
        code: 'file_too_large',
        reason: `file is ${size} bytes; at most ${max}`,
        lines: 0,
        accepted: 0,
        rejected: 0,
        rejections: [],
        startedAtMs: t,
        finishedAtMs: t,
      };
    } else {
      try {
        report = await importFile(deps, path, await readFile(path));
      } catch (err) {
        deps.log.warn({ err, file: basename(path) }, 'file import failed; will retry on the next poll');
        continue;
      }
    }
    const target = await freeName(
      join(deps.dir, report.status === 'failed' ? 'failed' : 'done'),
      report.file,
      report.sha256 || String(report.startedAtMs),
    );
    report.movedTo = target;
    await writeFile(`${target}.report.json`, JSON.stringify(report, null, 2));
    await rename(path, target);
    deps.log.info(
      { file: report.file, status: report.status, accepted: report.accepted, rejected: report.rejected },
      'CDR file processed',
    );
    reports.push(report);
  }
  return reports;
}

/** Polls the inbox until aborted. Never throws: a failed pass is logged and retried. */
export async function runInboxWatcher(deps: InboxDeps, signal: AbortSignal): Promise<void> {
  await mkdir(deps.dir, { recursive: true });
  while (!signal.aborted) {
    try {
      await processInboxOnce(deps);
    } catch (err) {
      deps.log.error({ err, dir: deps.dir }, 'inbox pass failed');
    }
    await sleep(deps.pollMs ?? 1000, signal);
  }
}
