import type { Migration } from '../migrations.ts';
import { m001 } from './001-cdr-rated.ts';

/** Every migration, any order (migrate() sorts by version). Add one line per new file. */
export const migrations: Migration[] = [m001];
