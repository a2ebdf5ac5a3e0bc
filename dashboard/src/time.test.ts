import { afterEach, describe, expect, it } from 'vitest';
import {
  chartDate,
  clockTime,
  date,
  dateTime,
  dateTimeInput,
  fromDateTimeInput,
  lastDay,
  previousMonth,
  shortDateTime,
} from './time.ts';

// 2026-11-27 06:30:05 UTC = 14:30:05 in Beijing; 2026-11-26 22:30 in Los Angeles.
const AT = Date.UTC(2026, 10, 27, 6, 30, 5);
const zone = process.env.TZ;

describe('times on screen are Beijing time whatever the browser zone', () => {
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('writes date and time year-first in Beijing time', () => {
    process.env.TZ = 'America/Los_Angeles';
    expect(dateTime(AT)).toBe('2026-11-27 14:30:05');
    expect(shortDateTime(AT)).toBe('11-27 14:30');
    expect(date(AT)).toBe('2026-11-27');
    expect(clockTime(AT)).toBe('14:30:05');
    // Just after Beijing midnight is still the previous day in UTC: the Beijing date is shown.
    expect(date(Date.UTC(2026, 10, 27, 16, 0, 0))).toBe('2026-11-28');
  });

  it('reads and writes datetime-local inputs as Beijing time', () => {
    process.env.TZ = 'Europe/London';
    expect(dateTimeInput(AT)).toBe('2026-11-27T14:30');
    expect(fromDateTimeInput('2026-11-27T14:30')).toBe(AT - 5000);
    expect(fromDateTimeInput('2026-11-27T14:30:05')).toBe(AT);
    expect(fromDateTimeInput(dateTimeInput(AT))).toBe(AT - 5000);
    expect(fromDateTimeInput('')).toBeNaN();
    expect(fromDateTimeInput('27/11/2026 14:30')).toBeNaN();
  });

  it("gives charts a date whose local fields are Beijing time's", () => {
    process.env.TZ = 'America/Los_Angeles';
    const d = chartDate(AT / 1000);
    expect([d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes()]).toEqual([
      2026, 11, 27, 14, 30,
    ]);
  });
});

describe('lastDay', () => {
  it('names the last day an exclusive midnight end covers, in Beijing time', () => {
    // 2026-12-01 00:00 Beijing = 2026-11-30 16:00 UTC: valid through 11-30
    expect(lastDay(Date.UTC(2026, 10, 30, 16))).toBe('2026-11-30');
    // an end that is not a midnight stays on its own day
    expect(lastDay(Date.UTC(2026, 10, 30, 18))).toBe('2026-12-01');
  });
});

describe('previousMonth', () => {
  it('is the month before, in Beijing time, across a year end', () => {
    expect(previousMonth(Date.UTC(2026, 10, 27, 6))).toBe('2026-10');
    // 2027-01-01 03:00 in Beijing is still 2026-12-31 in UTC: the month before is December
    expect(previousMonth(Date.UTC(2026, 11, 31, 19))).toBe('2026-12');
    expect(previousMonth(Date.UTC(2027, 0, 15))).toBe('2026-12');
  });
});
