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
describe('npm start, then SIGTERM to npm', () => {
  it('comes up healthy, then stops cleanly with nothing left running', async () => {
    const [port, natsPort] = (await freePorts(2)) as [number, number];
    const npm = spawn('npm', ['start'], {
      env: { ...process.env, DATA_DIR: join(dir, 'data'), PORT: String(port), NATS_PORT: String(natsPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so the test can always clean up all of it
    });
    let out = '';
    npm.stdout.on('data', (d: Buffer) => (out += d.toString()));
    npm.stderr.on('data', (d: Buffer) => (out += d.toString()));
    // 'close': npm and everything that shares its output (the server) are gone
    const closed = new Promise<void>((done) => npm.once('close', () => done()));
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
      npm.kill('SIGTERM');
      const end = await Promise.race([
        closed.then(() => 'closed'),
        new Promise<string>((r) => setTimeout(() => r('still running after 30 s'), 30_000)),
      ]);
      expect(end, out.slice(-3000)).toBe('closed');
      expect(out).toContain('stopped cleanly');
      await waitFor(
        async () => ((await listening(port)) || (await listening(natsPort)) ? null : true),
        10_000,
        200,
      );
    } finally {
      try {
        process.kill(-npm.pid!, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    }
  }, 180_000);
});
