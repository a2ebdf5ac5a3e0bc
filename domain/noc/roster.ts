import { placeOfCell, provinces } from '../geo/index.ts';
import type { FaultType } from './schemas.ts';

/** A point on the map (degrees). */
export interface LatLon {
  lat: number;
  lon: number;
}

/** City centres, for distances between technicians and sites. */
export const cityCentres: Record<string, LatLon> = {
  BJ: { lat: 39.904, lon: 116.407 },
  SH: { lat: 31.23, lon: 121.474 },
  GZ: { lat: 23.129, lon: 113.264 },
  SZ: { lat: 22.543, lon: 114.058 },
  HZ: { lat: 30.274, lon: 120.155 },
  NB: { lat: 29.868, lon: 121.544 },
  NJ: { lat: 32.06, lon: 118.797 },
  SU: { lat: 31.299, lon: 120.585 },
  CD: { lat: 30.573, lon: 104.066 },
  WH: { lat: 30.593, lon: 114.305 },
  XA: { lat: 34.341, lon: 108.94 },
};

/** Where a site is: its city centre plus a deterministic offset from the site number (±0.2°). */
export function siteLocation(siteId: string): LatLon | null {
  const place = placeOfCell(`${siteId}-1`);
  const centre = place ? cityCentres[place.city] : undefined;
  if (!place || !centre) return null;
  const n = Number(siteId.slice(-4));
  return {
    lat: centre.lat + (((n * 37) % 41) - 20) / 100,
    lon: centre.lon + (((n * 53) % 41) - 20) / 100,
  };
}

/** Great-circle distance in km (haversine). */
export function distanceKm(a: LatLon, b: LatLon): number {
  const r = (d: number) => (d * Math.PI) / 180;
  const dLat = r(b.lat - a.lat);
  const dLon = r(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(r(a.lat)) * Math.cos(r(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/** A shift in local time (UTC+8), hours [start, end); end < start wraps past midnight. */
export interface Shift {
  startHour: number;
  endHour: number;
}

export interface Technician {
  id: string;
  /** Login name when the technician uses the technician view. */
  username: string;
  nameZh: string;
  nameEn: string;
  region: string;
  city: string;
  skills: FaultType[];
  shift: Shift;
  base: LatLon;
}

export const DAY_SHIFT: Shift = { startHour: 8, endHour: 20 };
export const NIGHT_SHIFT: Shift = { startHour: 20, endHour: 8 };
export const ALL_DAY: Shift = { startHour: 0, endHour: 24 };

export function onShift(shift: Shift, atMs: number): boolean {
  const hour = new Date(atMs + 8 * 3_600_000).getUTCHours();
  if (shift.startHour <= shift.endHour) return hour >= shift.startHour && hour < shift.endHour;
  return hour >= shift.startHour || hour < shift.endHour;
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨'];
const SURNAMES_EN = ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang'];
/** Per city: four technicians with different skills, shifts and bases. */
const TEMPLATE: { skills: FaultType[]; shift: Shift; dLat: number; dLon: number }[] = [
  { skills: ['power', 'radio'], shift: DAY_SHIFT, dLat: 0.05, dLon: 0.05 },
  { skills: ['transmission', 'radio'], shift: DAY_SHIFT, dLat: -0.1, dLon: 0.08 },
  { skills: ['power', 'transmission', 'radio', 'congestion'], shift: NIGHT_SHIFT, dLat: 0.12, dLon: -0.1 },
  { skills: ['radio', 'congestion', 'customer'], shift: ALL_DAY, dLat: -0.04, dLon: -0.06 },
];

/**
 * The demo roster: four technicians per city of every province, deterministic. Technician 1 of
 * Guangzhou logs in as the demo user `technician`.
 */
export function demoRoster(): Technician[] {
  const out: Technician[] = [];
  for (const p of provinces)
    for (const c of p.cities) {
      const centre = cityCentres[c.code] ?? { lat: 0, lon: 0 };
      TEMPLATE.forEach((t, i) => {
        const id = `T-${p.code}-${c.code}-0${i + 1}`;
        const s = (p.code.charCodeAt(0) + c.code.charCodeAt(1) + i) % SURNAMES.length;
        out.push({
          id,
          username: id === 'T-GD-GZ-01' ? 'technician' : id.toLowerCase(),
          nameZh: `${SURNAMES[s] ?? '王'}师傅(${c.nameZh}${i + 1})`,
          nameEn: `${SURNAMES_EN[s] ?? 'Wang'} (${c.nameEn} ${i + 1})`,
          region: p.code,
          city: c.code,
          skills: t.skills,
          shift: t.shift,
          base: { lat: centre.lat + t.dLat, lon: centre.lon + t.dLon },
        });
      });
    }
  return out;
}
