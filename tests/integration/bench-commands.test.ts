/**
 * `npm run loadtest` and `npm run bench` as a user types them, shortened: they start, run every
 * section and print one JSON object whose books balance. No figure is asserted (performance
 * lives in the benchmarks themselves); this only keeps the commands working. The care load test
 * had stopped at start for a session (the API opened its buckets before the topology existed)
 * and nothing noticed.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const jsonOf = (stdout: string) => JSON.parse(stdout.slice(stdout.indexOf('{'))) as Record<string, unknown>;

describe('the benchmark commands run from the shell', () => {
  it('npm run loadtest: every section answers, no request fails, the books balance', async () => {
    const { stdout } = await run('npm', ['run', '-s', 'loadtest'], {
      env: { ...process.env, LOADTEST_SEC: '1', LOADTEST_CONNECTIONS: '2', LOADTEST_CDR_RATE: '500' },
      maxBuffer: 16 * 1024 * 1024,
      timeout: 240_000,
    });
    const out = jsonOf(stdout) as {
      care: Record<string, { non2xx?: number; errors?: number; requests?: number }>;
      selfServiceAndNoc: { ok: boolean; books: { lost: number; doubled: number } } & Record<string, unknown>;
    };
    for (const [name, section] of Object.entries(out.care))
      if (typeof section === 'object' && section && 'requests' in section)
        expect([name, section.requests! > 0, section.non2xx, section.errors]).toEqual([name, true, 0, 0]);
    expect(out.selfServiceAndNoc.ok).toBe(true);
    expect(out.selfServiceAndNoc.books).toMatchObject({ lost: 0, doubled: 0 });
  }, 300_000);

  it('npm run bench: the pipeline and its baseline run, every CDR rated once', async () => {
    const { stdout } = await run(
      'npm',
      ['run', '-s', 'bench', '--', '--cdrs', '4000', '--subscribers', '200', '--partitions', '2'],
      { maxBuffer: 16 * 1024 * 1024, timeout: 240_000 },
    );
    const out = jsonOf(stdout) as {
      pipeline: {
        correctness: { published: number; rated: number; duplicates: number; debitsEqualCharges: boolean };
      };
    };
    expect(out.pipeline.correctness).toMatchObject({
      published: 4000,
      rated: 4000,
      duplicates: 0,
      debitsEqualCharges: true,
    });
  }, 300_000);
});
