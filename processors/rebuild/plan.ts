/** A materialized view as ClickHouse describes it. */
export interface ViewInfo {
  name: string;
  createQuery: string;
}

export interface ProjectionPlan {
  /** Tables written by sinks, in the order to recreate them. */
  tables: string[];
  /** Tables fed by materialized views on those tables (recreated empty; the views refill them). */
  derived: string[];
  /** Views to drop first and create last, in that order. */
  views: string[];
}

export class RebuildError extends Error {
  constructor(
    readonly code: 'REBUILD_NO_TABLE' | 'REBUILD_DDL_FAILED' | 'REBUILD_STREAM',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const ident = (s: string) => s.replace(/[`"]/g, '');

/**
 * Which objects a rebuild of `sinkTables` drops and recreates: the sink tables, every view
 * reading one of them, and every table such a view writes into (TO target). Pure.
 */
export function planProjections(db: string, sinkTables: string[], views: ViewInfo[]): ProjectionPlan {
  const tables = [...new Set(sinkTables)];
  const derived: string[] = [];
  const chosen: string[] = [];
  for (const v of views) {
    const q = ident(v.createQuery);
    const from = new RegExp(`\\bFROM\\s+${db}\\.(\\w+)`, 'i').exec(q)?.[1];
    if (!from || !tables.includes(from)) continue;
    chosen.push(v.name);
    const to = new RegExp(`\\bTO\\s+${db}\\.(\\w+)`, 'i').exec(q)?.[1];
    if (to && !tables.includes(to) && !derived.includes(to)) derived.push(to);
  }
  return { tables, derived, views: chosen };
}
