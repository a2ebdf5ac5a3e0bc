import type { Migration } from '../migrations.ts';
import { m001 } from './001-cdr-rated.ts';
import { m002 } from './002-ledger.ts';
import { m003 } from './003-cdr-direction.ts';
import { m004 } from './004-ledger-order.ts';
import { m005 } from './005-stream-seq-index.ts';
import { m020 } from './020-care.ts';
import { m030 } from './030-noc.ts';
import { m040 } from './040-catalog-audit.ts';

/** Every migration, any order (migrate() sorts by version). Add one line per new file. */
export const migrations: Migration[] = [m001, m002, m003, m004, m005, m020, m030, m040];
