/**
 * Role processes for chaos scenarios: the real program (`bin/streambss.ts run --roles …`) as a
 * child process against an outside nats-server, so a restarted server means a real reconnect.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface RoleProcess {
  name: string;
  child: ChildProcess;
  /** Resolves once the program printed its banner (every role is running). */
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Lines logged at error level or "role stopped" by the child so far. */
  errors(): string[];
  /** The last few KB of output, for diagnostics. */
  tail(): string;
  /** Graceful stop (SIGTERM: finish in-flight batches, close NATS and ClickHouse). */
  stop(timeoutMs?: number): Promise<number | null>;
  kill(): Promise<void>;
  pause(): void;
  resume(): void;
}

export interface RoleOptions {
  name: string;
  roles: string;
  natsUrl: string;
  dataDir: string;
  partitions: number;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

export function spawnRole(o: RoleOptions): RoleProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/streambss.ts', 'run', '--roles', o.roles], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NATS_URL: o.natsUrl,
      DATA_DIR: o.dataDir,
      CDR_PARTITIONS: String(o.partitions),
      // CHAOS_LOG_DIR=<dir>: every role's full log (info level) goes to <dir>/<name>.log.
      LOG_LEVEL: process.env.CHAOS_LOG_DIR ? 'info' : 'warn',
      SIM_RATE: '0',
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const errors: string[] = [];
  let partial = '';
  const onData = (b: Buffer) => {
    const s = b.toString();
    if (process.env.CHAOS_LOG_DIR) appendFileSync(join(process.env.CHAOS_LOG_DIR, `${o.name}.log`), s);
    out = (out + s).slice(-8000);
    partial += s;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines)
      if (/"level":(50|60)/.test(l) || /role stopped/.test(l)) errors.push(l.slice(0, 600));
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${o.name} not ready in ${o.readyTimeoutMs ?? 90_000} ms:\n${out}`)),
      o.readyTimeoutMs ?? 90_000,
    );
    const check = () => {
      if (out.includes('StreamBSS is up')) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${o.name} exited (${code ?? signal}) before it was ready:\n${out}`));
    });
  });
  ready.catch(() => undefined);
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    name: o.name,
    child,
    ready,
    exited,
    errors: () => [...errors],
    tail: () => out,
    stop: async (timeoutMs = 30_000) => {
      if (running()) {
        child.kill('SIGCONT');
        child.kill('SIGTERM');
      }
      const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const { code } = await exited;
      clearTimeout(t);
      return code;
    },
    kill: async () => {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  };
}

/** Runs a one-shot child (a fixture or a CLI command) and returns its exit and output. */
export function runOnce(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-8000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
