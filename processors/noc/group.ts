import type { JsMsg } from '@nats-io/jetstream';
import { decodeBatch, type Validator } from '../../domain/index.ts';
import type { HandlerCtx } from './context.ts';

/**
 * Reads NETWORK batches: every item validated and checked, bad ones dead-lettered with their
 * reason (the good ones beside them kept), the rest grouped by the key their state lives under.
 */
export async function groupValid<T>(
  ctx: HandlerCtx,
  msgs: JsMsg[],
  validate: Validator<T>,
  check: (v: T) => { code: string; reason: string } | null,
  keyOf: (v: T) => string,
): Promise<Map<string, T[]>> {
  const groups = new Map<string, T[]>();
  for (const m of msgs) {
    const env = decodeBatch(m.data);
    if (!env.ok) {
      await ctx.deadLetter(m, 'bad_envelope', env.reason);
      continue;
    }
    for (const [i, item] of env.batch.items.entries()) {
      const v = validate(item);
      if (!v.ok) {
        await ctx.deadLetter(m, 'schema', `${v.error.field} ${v.error.message}`, i, item);
        continue;
      }
      const bad = check(v.value);
      if (bad) {
        await ctx.deadLetter(m, bad.code, bad.reason, i, item);
        continue;
      }
      const key = keyOf(v.value);
      const list = groups.get(key);
      if (list) list.push(v.value);
      else groups.set(key, [v.value]);
    }
  }
  return groups;
}
