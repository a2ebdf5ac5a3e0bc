import { describe, expect, it } from 'vitest';
import { chooseTechnician, MAX_WORKLOAD, type TechnicianLoad } from './dispatch.ts';
import { demoRoster, siteLocation } from './roster.ts';

/** 10:00 in China (UTC+8): day shift. */
const DAY = Date.UTC(2026, 5, 1, 2, 0, 0);
/** 23:00 in China: night shift. */
const NIGHT = Date.UTC(2026, 5, 1, 15, 0, 0);
const gz = () =>
  demoRoster()
    .filter((t) => t.city === 'GZ')
    .map((technician): TechnicianLoad => ({ technician, workload: 0, offDuty: false }));

describe('auto-dispatch', () => {
  const location = siteLocation('GD-GZ-0012');

  it('picks a technician with the skill, on shift, and says why', () => {
    const why = chooseTechnician({ faultType: 'power', region: 'GD', location, atMs: DAY }, gz());
    expect(why.technicianId).toBe('T-GD-GZ-01');
    expect(why.candidates.find((c) => c.technicianId === 'T-GD-GZ-02')?.rejectedBecause).toBe(
      'no power skill',
    );
    expect(why.candidates.find((c) => c.technicianId === 'T-GD-GZ-03')?.rejectedBecause).toBe('not on shift');
    expect(why.reasonEn).toContain('power skill');
    expect(why.reasonZh).toContain('在班');
  });

  it('prefers the lower workload, then the shorter distance', () => {
    const load = (w: Record<string, number>) =>
      gz().map((l) => ({ ...l, workload: w[l.technician.id] ?? 0 }));
    const req = { faultType: 'radio', region: 'GD', location, atMs: DAY } as const;
    const r = chooseTechnician(req, load({ 'T-GD-GZ-01': 0, 'T-GD-GZ-02': 1, 'T-GD-GZ-04': 1 }));
    expect(r.technicianId).toBe('T-GD-GZ-01');
    expect(r.reasonEn).toContain('lowest workload (0 vs 1)');
    const tie = chooseTechnician(req, load({ 'T-GD-GZ-01': 2, 'T-GD-GZ-02': 1, 'T-GD-GZ-04': 1 }));
    const [a, b] = ['T-GD-GZ-02', 'T-GD-GZ-04'].map((id) =>
      tie.candidates.find((c) => c.technicianId === id),
    );
    expect(tie.technicianId).toBe((a?.distanceKm ?? 0) < (b?.distanceKm ?? 0) ? 'T-GD-GZ-02' : 'T-GD-GZ-04');
    expect(tie.reasonEn).toContain('closest');
  });

  it('at night only the night shift is sent; everyone at maximum load → queued', () => {
    expect(
      chooseTechnician({ faultType: 'power', region: 'GD', location, atMs: NIGHT }, gz()).technicianId,
    ).toBe('T-GD-GZ-03');
    const full = gz().map((l) => ({ ...l, workload: MAX_WORKLOAD }));
    const why = chooseTechnician({ faultType: 'power', region: 'GD', location, atMs: DAY }, full);
    expect(why.technicianId).toBeUndefined();
    expect(why.reasonEn).toContain('queued');
  });

  it('does not offer a ticket again to who handed it back', () => {
    const why = chooseTechnician(
      { faultType: 'power', region: 'GD', location, atMs: DAY, exclude: ['T-GD-GZ-01'] },
      gz(),
    );
    expect(why.technicianId).not.toBe('T-GD-GZ-01');
  });
});
