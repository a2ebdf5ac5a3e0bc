/**
 * Where the network is: provinces (the `region` of every event) and their main cities.
 * Cell ids encode their place: `<PROV>-<CITY>-<site 4 digits>-<sector>`, e.g. `GD-GZ-0012-1`,
 * so ingest derives the region without a lookup service.
 */
export interface Province {
  code: string;
  nameZh: string;
  nameEn: string;
  /** Two-letter city codes with their long-distance area code (for local/national classing). */
  cities: { code: string; nameZh: string; nameEn: string; areaCode: string }[];
}

export const provinces: Province[] = [
  {
    code: 'BJ',
    nameZh: '北京',
    nameEn: 'Beijing',
    cities: [{ code: 'BJ', nameZh: '北京', nameEn: 'Beijing', areaCode: '10' }],
  },
  {
    code: 'SH',
    nameZh: '上海',
    nameEn: 'Shanghai',
    cities: [{ code: 'SH', nameZh: '上海', nameEn: 'Shanghai', areaCode: '21' }],
  },
  {
    code: 'GD',
    nameZh: '广东',
    nameEn: 'Guangdong',
    cities: [
      { code: 'GZ', nameZh: '广州', nameEn: 'Guangzhou', areaCode: '20' },
      { code: 'SZ', nameZh: '深圳', nameEn: 'Shenzhen', areaCode: '755' },
    ],
  },
  {
    code: 'ZJ',
    nameZh: '浙江',
    nameEn: 'Zhejiang',
    cities: [
      { code: 'HZ', nameZh: '杭州', nameEn: 'Hangzhou', areaCode: '571' },
      { code: 'NB', nameZh: '宁波', nameEn: 'Ningbo', areaCode: '574' },
    ],
  },
  {
    code: 'JS',
    nameZh: '江苏',
    nameEn: 'Jiangsu',
    cities: [
      { code: 'NJ', nameZh: '南京', nameEn: 'Nanjing', areaCode: '25' },
      { code: 'SU', nameZh: '苏州', nameEn: 'Suzhou', areaCode: '512' },
    ],
  },
  {
    code: 'SC',
    nameZh: '四川',
    nameEn: 'Sichuan',
    cities: [{ code: 'CD', nameZh: '成都', nameEn: 'Chengdu', areaCode: '28' }],
  },
  {
    code: 'HB',
    nameZh: '湖北',
    nameEn: 'Hubei',
    cities: [{ code: 'WH', nameZh: '武汉', nameEn: 'Wuhan', areaCode: '27' }],
  },
  {
    code: 'SN',
    nameZh: '陕西',
    nameEn: 'Shaanxi',
    cities: [{ code: 'XA', nameZh: '西安', nameEn: "Xi'an", areaCode: '29' }],
  },
];

const byCode = new Map(provinces.map((p) => [p.code, p]));

const CELL_RE = /^([A-Z]{2})-([A-Z]{2})-(\d{4})-(\d)$/;

export interface CellPlace {
  region: string;
  city: string;
  siteId: string;
}

/** The place of a cell id, or null when the id does not follow the plan or names no known province/city. */
export function placeOfCell(cellId: string): CellPlace | null {
  const m = CELL_RE.exec(cellId);
  if (!m) return null;
  const [, prov, city, site] = m as unknown as [string, string, string, string];
  const p = byCode.get(prov);
  if (!p || !p.cities.some((c) => c.code === city)) return null;
  return { region: prov, city, siteId: `${prov}-${city}-${site}` };
}

export function cellId(region: string, city: string, site: number, sector: number): string {
  return `${region}-${city}-${String(site).padStart(4, '0')}-${sector}`;
}
