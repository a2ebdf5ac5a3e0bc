import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../infra/nats/index.ts';
import { waitFor } from '../support/env.ts';

const listening = (port: number) =>
  new Promise<boolean>((done) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      done(true);
    });
    s.once('error', () => done(false));
  });

const dir = mkdtempSync(join(tmpdir(), 'sbss-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true, maxRetries: 5 }));

// What a process manager or `docker stop` does: SIGTERM to the process it started — `npm`,
// not the node server under it. The server must get the signal and stop cleanly, leaving no
// server or nats-server behind on the ports (npm runs scripts through `sh -c`, which does not
// pass signals on unless the script `exec`s node).
/** `npm start` in its own process group, its output collected; `closed` when all of it is gone. */
function startNpm(env: Record<string, string>) {
  const npm = spawn('npm', ['start'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so the test can always clean up all of it
  });
  const run = { npm, out: '', closed: new Promise<void>((done) => npm.once('close', () => done())) };
  npm.stdout.on('data', (d: Buffer) => (run.out += d.toString()));
  npm.stderr.on('data', (d: Buffer) => (run.out += d.toString()));
  return run;
}

/** A signal (SIGTERM to npm unless told); then npm and the server must be gone within 30 s, nothing listening after. */
async function stopsCleanly(
  run: ReturnType<typeof startNpm>,
  ports: number[],
  send: () => unknown = () => run.npm.kill('SIGTERM'),
): Promise<void> {
  send();
  const end = await Promise.race([
    run.closed.then(() => 'closed'),
    new Promise<string>((r) => setTimeout(() => r('still running after 30 s'), 30_000)),
  ]);
  expect(end, run.out.slice(-3000)).toBe('closed');
  expect(run.out).toContain('stopped cleanly');
  expect(run.out).not.toContain('forced exit');
  await waitFor(
    async () => ((await Promise.all(ports.map(listening))).some(Boolean) ? null : true),
    10_000,
    200,
  );
}

const killGroup = (run: ReturnType<typeof startNpm>) => {
  try {
    process.kill(-run.npm.pid!, 'SIGKILL');
  } catch {
    // the group is gone already
  }
};

// What a process manager or `docker stop` does: SIGTERM to the process it started — `npm`,
// not the node server under it. The server must get the signal and stop cleanly, leaving no
// server or nats-server behind on the ports (npm runs scripts through `sh -c`, which does not
// pass signals on unless the script `exec`s node).
describe('npm start, then SIGTERM to npm', () => {
  it('comes up healthy, then stops cleanly with nothing left running', async () => {
    const [port, natsPort] = (await freePorts(2)) as [number, number];
    const run = startNpm({ DATA_DIR: join(dir, 'data'), PORT: String(port), NATS_PORT: String(natsPort) });
    try {
      await waitFor(
        async () => {
          const r = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
          return r?.ok ? true : null;
        },
        120_000,
        500,
      );
      expect(await listening(natsPort)).toBe(true);
      await stopsCleanly(run, [port, natsPort]);
    } finally {
      killGroup(run);
    }
  }, 180_000);

  it('Ctrl-C in its terminal stops it cleanly too, though the signal reaches the server twice', async () => {
    // The terminal signals the whole foreground group (npm, node, nats-server) and npm passes its
    // SIGINT on: the server used to take the second copy as "force" and exit without stopping.
    const [port, natsPort] = (await freePorts(2)) as [number, number];
    const run = startNpm({
      DATA_DIR: join(dir, 'data-ctrl-c'),
      PORT: String(port),
      NATS_PORT: String(natsPort),
    });
    try {
      await waitFor(async () => (run.out.includes('StreamBSS is up') ? true : null), 120_000, 100);
      await stopsCleanly(run, [port, natsPort], () => process.kill(-run.npm.pid!, 'SIGINT'));
    } finally {
      killGroup(run);
    }
  }, 180_000);

  it('stops cleanly when the signal comes while start-up is still provisioning lines', async () => {
    // The API listens before the simulated lines are provisioned; 200k lines take seconds. A
    // SIGTERM then used to kill the process outright and leave nats-server running.
    const [port, natsPort] = (await freePorts(2)) as [number, number];
    const run = startNpm({
      DATA_DIR: join(dir, 'data-early'),
      PORT: String(port),
      NATS_PORT: String(natsPort),
      SIM_SUBSCRIBERS: '200000',
    });
    try {
      await waitFor(async () => (run.out.includes('Server listening') ? true : null), 120_000, 20);
      expect(run.out).not.toContain('simulated lines provisioned');
      await stopsCleanly(run, [port, natsPort]);
      expect(run.out).toContain('stop requested while starting');
    } finally {
      killGroup(run);
    }
  }, 180_000);
});
