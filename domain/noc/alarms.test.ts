import { describe, expect, it } from 'vitest';
import type { NeAlarm } from '../events/index.ts';
import { checkAlarmPlace, emptySite, reduceAlarm, type AlarmEffect, type SiteState } from './alarms.ts';

const T0 = Date.UTC(2026, 5, 1, 2, 0, 0);
let n = 0;
function alarm(p: Partial<NeAlarm> & Pick<NeAlarm, 'probableCause' | 'state'>): NeAlarm {
  return {
    alarmId: `a-${++n}`,
    neId: 'ENB-GD-GZ-0012',
    siteId: 'GD-GZ-0012',
    region: 'GD',
    severity: 'major',
    atMs: T0,
    ...p,
  };
}
function run(alarms: NeAlarm[], site: SiteState = emptySite('GD-GZ-0012', 'GD')) {
  const effects: AlarmEffect[] = [];
  for (const a of alarms) {
    const r = reduceAlarm(site, a);
    site = r.site;
    effects.push(...r.effects);
  }
  return { site, effects };
}

describe('alarm reduction', () => {
  it('folds repeats of one key into one alarm with a count and first/last seen, one ticket', () => {
    const r = run(
      [0, 1000, 5000].map((d) =>
        alarm({ probableCause: 'cell_unavailable', cellId: 'GD-GZ-0012-1', state: 'raise', atMs: T0 + d }),
      ),
    );
    const a = Object.values(r.site.alarms);
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ count: 3, firstSeenMs: T0, lastSeenMs: T0 + 5000, active: true });
    expect(r.effects.filter((e) => e.kind === 'open')).toHaveLength(1);
  });

  it('a site power failure explains its cells: one root ticket (P1), cells become children', () => {
    const r = run([
      alarm({ probableCause: 'power_failure', severity: 'critical', state: 'raise' }),
      ...[1, 2, 3].map((c) =>
        alarm({ probableCause: 'cell_unavailable', cellId: `GD-GZ-0012-${c}`, state: 'raise', atMs: T0 + c }),
      ),
    ]);
    const opens = r.effects.filter((e) => e.kind === 'open');
    expect(opens).toHaveLength(1);
    expect(opens[0]).toMatchObject({ priority: 'P1', faultType: 'power' });
    expect(r.effects.filter((e) => e.kind === 'child')).toHaveLength(3);
    const root = Object.values(r.site.alarms).find((a) => !a.cellId);
    for (const a of Object.values(r.site.alarms)) if (a.cellId) expect(a.rootKey).toBe(root?.key);
  });

  it('a root arriving after cell alarms merges their tickets into its own', () => {
    const r = run([
      alarm({ probableCause: 'cell_unavailable', cellId: 'GD-GZ-0012-1', state: 'raise' }),
      alarm({ probableCause: 'power_failure', severity: 'critical', state: 'raise', atMs: T0 + 10 }),
    ]);
    const opens = r.effects.filter((e) => e.kind === 'open');
    expect(opens).toHaveLength(2);
    const root = opens[1];
    expect(root?.kind === 'open' && root.mergedTicketIds).toEqual([opens[0]?.ticketId]);
  });

  it('a clear closes the ticket of its raise; the same fault within 24 h reopens that ticket', () => {
    const k = { probableCause: 'cell_unavailable', cellId: 'GD-GZ-0012-2' } as const;
    const r = run([
      alarm({ ...k, state: 'raise' }),
      alarm({ ...k, state: 'clear', atMs: T0 + 60_000 }),
      alarm({ ...k, state: 'raise', atMs: T0 + 3_600_000 }),
    ]);
    expect(r.effects.map((e) => e.kind)).toEqual(['open', 'close', 'reopen']);
    const [open, close, reopen] = r.effects as [AlarmEffect, AlarmEffect, AlarmEffect];
    expect(open.kind === 'open' && close.kind === 'close' && reopen.kind === 'reopen').toBe(true);
    if (open.kind === 'open' && reopen.kind === 'reopen') expect(reopen.ticketId).toBe(open.ticketId);
  });

  it('a flapping link is suppressed: one ticket, later clears do not close it', () => {
    const k = { probableCause: 'link_down', neId: 'TX-GD-GZ-0012' } as const;
    const seq: NeAlarm[] = [];
    for (let i = 0; i < 5; i++) {
      seq.push(alarm({ ...k, state: 'raise', atMs: T0 + i * 20_000 }));
      seq.push(alarm({ ...k, state: 'clear', atMs: T0 + i * 20_000 + 5_000 }));
    }
    const r = run(seq);
    const kinds = r.effects.map((e) => e.kind);
    expect(kinds.filter((x) => x === 'open')).toHaveLength(1);
    expect(kinds).toContain('flapping');
    const afterFlap = kinds.slice(kinds.indexOf('flapping'));
    expect(afterFlap).not.toContain('close');
    expect(Object.values(r.site.alarms)[0]?.flapping).toBe(true);
  });

  it('flags a clear without a raise and an out-of-order raise, changing nothing', () => {
    const r1 = run([alarm({ probableCause: 'link_down', state: 'clear' })]);
    expect(r1.effects).toEqual([expect.objectContaining({ kind: 'flag', code: 'clear_without_raise' })]);
    expect(r1.site.alarms).toEqual({});
    const k = { probableCause: 'cell_unavailable', cellId: 'GD-GZ-0012-1' } as const;
    const r2 = run([
      alarm({ ...k, state: 'raise', atMs: T0 + 10_000 }),
      alarm({ ...k, state: 'clear', atMs: T0 + 20_000 }),
      alarm({ ...k, state: 'raise', atMs: T0 + 15_000 }),
    ]);
    expect(r2.effects.at(-1)).toMatchObject({ kind: 'flag', code: 'out_of_order' });
    expect(Object.values(r2.site.alarms)[0]?.active).toBe(false);
  });

  it('minor alarms are kept but open no ticket', () => {
    const r = run([alarm({ probableCause: 'high_temperature', severity: 'minor', state: 'raise' })]);
    expect(r.effects).toEqual([]);
    expect(Object.keys(r.site.alarms)).toHaveLength(1);
  });

  it('dead-letters alarms of unknown sites or of another region', () => {
    expect(checkAlarmPlace(alarm({ probableCause: 'x', state: 'raise', siteId: 'XX-YY-0001' }))?.code).toBe(
      'unknown_ne',
    );
    expect(checkAlarmPlace(alarm({ probableCause: 'x', state: 'raise', region: 'BJ' }))?.code).toBe(
      'region_mismatch',
    );
    expect(checkAlarmPlace(alarm({ probableCause: 'x', state: 'raise' }))).toBeNull();
  });
});
