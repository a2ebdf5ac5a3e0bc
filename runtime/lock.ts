import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirLockedError extends Error {
  readonly code = 'DATA_DIR_LOCKED';
}

/**
 * Embedded ClickHouse (chdb) binds one data folder to one process. A pid file makes a second
 * process that wants the same folder stop with a clear message instead of corrupting it.
 */
export function lockDataDir(dir: string, what: string): () => void {
  const file = join(dir, '.streambss.pid');
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    let alive = false;
    try {
      if (pid > 1 && pid !== process.pid) {
        process.kill(pid, 0);
        alive = true;
      }
    } catch {
      alive = false;
    }
    if (alive)
      throw new DataDirLockedError(
        `${what} at ${dir} is in use by process ${pid}. Embedded ClickHouse serves one process: run the roles that ` +
          `use it (sink, api) together (streambss run --roles sink,api), or set CLICKHOUSE_URL to a server.`,
      );
  }
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}
