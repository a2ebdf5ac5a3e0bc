import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectNats, startNatsServer, type Nats, type NatsServerHandle } from '../infra/nats/index.ts';
import { migrate, openClickHouse, type ClickHouse } from '../infra/clickhouse/index.ts';
import { progressBar } from '../simulators/index.ts';

/** A fresh nats-server and embedded ClickHouse in temp folders, for one benchmark process. */
export interface BenchEnv {
  server: NatsServerHandle;
  nats: Nats;
  /** A second connection, for partition leases (as `npm start` does). */
  leaseNats: Nats;
  ch: ClickHouse;
  /** Temp folder of this run (removed by close). */
  dir: string;
  close(): Promise<void>;
}

export async function startBenchEnv(): Promise<BenchEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'sbss-bench-'));
  const server = await startNatsServer({ storeDir: join(dir, 'nats'), port: 0 });
  const nats = await connectNats(server.url, 'bench');
  const leaseNats = await connectNats(server.url, 'bench-leases');
  const ch = await openClickHouse({ database: 'streambss', embeddedPath: join(dir, 'ch') });
  await migrate(ch);
  return {
    server,
    nats,
    leaseNats,
    ch,
    dir,
    close: async () => {
      await leaseNats.nc.close().catch(() => undefined);
      await nats.nc.close().catch(() => undefined);
      await ch.close().catch(() => undefined);
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? 0;
}

export async function scalar(ch: ClickHouse, sql: string): Promise<number> {
  const rs = await ch.client.query({ query: sql, format: 'JSONEachRow' });
  const [row] = await rs.json<Record<string, string | number>>();
  return Number(Object.values(row ?? { v: 0 })[0] ?? 0);
}

/** Polls until `fn` is true, recording (ms since start, value) samples; gives up after timeoutMs. */
export async function pollUntil(
  fn: () => Promise<number>,
  target: number,
  timeoutMs: number,
  stepMs = 100,
  /** Shows the count as it grows (a bar on stderr when it is a terminal; stdout keeps the JSON). */
  unit?: string,
): Promise<{ samples: [number, number][]; reached: boolean; ms: number }> {
  const t0 = performance.now();
  const samples: [number, number][] = [];
  const bar = unit ? progressBar(target, unit) : null;
  try {
    for (;;) {
      const v = await fn();
      const t = performance.now() - t0;
      samples.push([t, v]);
      bar?.update(v, v / Math.max(t / 1000, 0.001));
      if (v >= target) return { samples, reached: true, ms: t };
      if (t > timeoutMs) return { samples, reached: false, ms: t };
      await new Promise((r) => setTimeout(r, stepMs));
    }
  } finally {
    bar?.stop();
  }
}

/** CPU seconds from a /proc stat file (utime + stime, in clock ticks of 1/100 s); 0 elsewhere. */
function statCpuSec(path: string): number {
  try {
    const fields = readFileSync(path, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
const procCpuSec = (pid: number) => statCpuSec(`/proc/${pid}/stat`);

/** CPU seconds of this process's threads, summed by thread name (Linux only). */
function threadCpuSec(): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const t of readdirSync('/proc/self/task')) {
      const name = readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim();
      out.set(name, (out.get(name) ?? 0) + statCpuSec(`/proc/self/task/${t}/stat`));
    }
  } catch {
    /* not Linux */
  }
  return out;
}

/**
 * Where the CPU went over a measured window: this process's main thread (event loop
 * utilisation), this process in all (main thread, GC, ClickHouse's threads) and nats-server,
 * in cores (CPU seconds per second of wall time). Two cores here: 2.0 is the whole machine.
 */
export function cpuMeter(natsPid: number) {
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const nats = procCpuSec(natsPid);
  const threads = threadCpuSec();
  const t0 = performance.now();
  return {
    stop() {
      const sec = (performance.now() - t0) / 1000;
      const used = process.cpuUsage(cpu);
      const cores = (x: number) => Number((x / sec).toFixed(2));
      return {
        mainThreadBusy: Number(performance.eventLoopUtilization(elu).utilization.toFixed(2)),
        processCores: cores((used.user + used.system) / 1e6),
        natsServerCores: cores(procCpuSec(natsPid) - nats),
        // Threads that come and go within the window are missed; names are the kernel's (15 chars).
        threadCores: Object.fromEntries(
          [...threadCpuSec()]
            .map(([name, sec]) => [name, cores(sec - (threads.get(name) ?? 0))] as const)
            .filter(([, c]) => c >= 0.01)
            .sort((a, b) => b[1] - a[1]),
        ),
      };
    },
  };
}
