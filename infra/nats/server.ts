import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface NatsServerHandle {
  url: string;
  port: number;
  pid: number;
  /** Graceful stop (SIGTERM, then SIGKILL after the timeout). */
  stop(timeoutMs?: number): Promise<void>;
  /** Hard kill, as a crash would: no flush, no goodbye. */
  kill(): Promise<void>;
  child: ChildProcess;
}

export interface StartNatsOptions {
  /** JetStream store folder; created if missing. */
  storeDir: string;
  /** Client port; 0 picks a free random port. */
  port?: number;
  host?: string;
  /** Binary name or path. */
  bin?: string;
  startTimeoutMs?: number;
}

export class NatsServerError extends Error {
  readonly code = 'NATS_SERVER_START';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A previous run killed without cleanup may have left its nats-server running on our store: stop it. */
async function reapOrphan(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1 || !alive(pid)) return;
  let cmd = '';
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!cmd.includes('nats-server')) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

/**
 * Starts a real nats-server child with JetStream and a file store. The port is learnt from the
 * server's own log line, so `port: 0` (random) is race-free.
 */
export async function startNatsServer(opts: StartNatsOptions): Promise<NatsServerHandle> {
  const storeDir = resolve(opts.storeDir);
  mkdirSync(storeDir, { recursive: true });
  const pidFile = join(storeDir, 'nats-server.pid');
  await reapOrphan(pidFile);
  const host = opts.host ?? '127.0.0.1';
  const args = [
    '-js',
    '-sd',
    storeDir,
    '-a',
    host,
    '-p',
    String(opts.port && opts.port > 0 ? opts.port : -1),
  ];
  const child = spawn(opts.bin ?? 'nats-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const timeoutMs = opts.startTimeoutMs ?? 20_000;

  const port = await new Promise<number>((resolvePort, reject) => {
    let log = '';
    let port = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new NatsServerError(`nats-server did not become ready in ${timeoutMs} ms:\n${log.slice(-2000)}`),
      );
    }, timeoutMs);
    const onData = (buf: Buffer) => {
      log += buf.toString();
      const m = /Listening for client connections on [^\s]+:(\d+)/.exec(log);
      if (m) port = Number(m[1]);
      if (port && log.includes('Server is ready')) {
        clearTimeout(timer);
        child.stderr?.off('data', onData);
        child.stdout?.off('data', onData);
        // Keep draining so a chatty server never blocks on a full pipe.
        child.stderr?.resume();
        child.stdout?.resume();
        resolvePort(port);
      }
    };
    child.stderr?.on('data', onData);
    child.stdout?.on('data', onData);
    child.once('error', (err) => {
      clearTimeout(timer);
      const hint =
        (err as NodeJS.ErrnoException).code === 'ENOENT' ? ' (install it: apt-get install nats-server)' : '';
      reject(new NatsServerError(`cannot start nats-server${hint}: ${err.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new NatsServerError(`nats-server exited with code ${code} before it was ready:\n${log.slice(-2000)}`),
      );
    });
  });
  const pid = child.pid ?? 0;
  writeFileSync(pidFile, String(pid));

  const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
  const stop = async (ms = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), ms);
      await exited;
      clearTimeout(t);
    }
    rmSync(pidFile, { force: true });
  };
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return { url: `nats://${host}:${port}`, port, pid, stop, kill, child };
}
