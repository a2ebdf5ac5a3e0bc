import { residentIdCheckChar } from '../../domain/customer/index.ts';
import { Rng } from '../rng.ts';

/**
 * Synthetic people for care traffic: Chinese names, addresses, 18-digit resident IDs with a valid
 * check digit and mobile numbers, all derived from (seed, n). Within one seed, person n's ID
 * number and mobile are unique by construction (an affine bijection of n, as in population.ts).
 */

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '秀英',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀兰',
  '霞',
];

interface Region {
  /** GB/T 2260 district code (first 6 digits of the ID). */
  code: string;
  province: string;
  city: string;
  district: string;
  streets: readonly string[];
  /** Stock region of the care API's inventory for devices delivered here. */
  stock: string;
  /** Province-city prefix of the region's cell ids (domain/geo). */
  cells: string;
}

export const REGIONS: readonly Region[] = [
  {
    code: '110105',
    province: '北京',
    city: '北京',
    district: '朝阳区',
    streets: ['建国路', '朝阳北路', '望京街'],
    stock: 'bj',
    cells: 'BJ-BJ',
  },
  {
    code: '310115',
    province: '上海',
    city: '上海',
    district: '浦东新区',
    streets: ['世纪大道', '张杨路', '陆家嘴环路'],
    stock: 'sh',
    cells: 'SH-SH',
  },
  {
    code: '440106',
    province: '广东',
    city: '广州',
    district: '天河区',
    streets: ['天河路', '体育西路', '珠江新城花城大道'],
    stock: 'gz',
    cells: 'GD-GZ',
  },
  {
    code: '440305',
    province: '广东',
    city: '深圳',
    district: '南山区',
    streets: ['深南大道', '科技园路', '南海大道'],
    stock: 'sz',
    cells: 'GD-SZ',
  },
  {
    code: '330106',
    province: '浙江',
    city: '杭州',
    district: '西湖区',
    streets: ['文三路', '天目山路', '西溪路'],
    stock: 'hz',
    cells: 'ZJ-HZ',
  },
  {
    code: '320102',
    province: '江苏',
    city: '南京',
    district: '玄武区',
    streets: ['中山路', '珠江路', '北京东路'],
    stock: 'nj',
    cells: 'JS-NJ',
  },
  {
    code: '510107',
    province: '四川',
    city: '成都',
    district: '武侯区',
    streets: ['人民南路', '科华北路', '一环路'],
    stock: 'cd',
    cells: 'SC-CD',
  },
  {
    code: '420106',
    province: '湖北',
    city: '武汉',
    district: '武昌区',
    streets: ['中南路', '武珞路', '友谊大道'],
    stock: 'wh',
    cells: 'HB-WH',
  },
];

const DAY_MS = 86_400_000;
/** Birth dates between 1950-01-01 and 2005-12-31: every synthetic person is an adult. */
const FIRST_BIRTH_MS = Date.UTC(1950, 0, 1);
const BIRTH_DAYS = Math.floor((Date.UTC(2005, 11, 31) - FIRST_BIRTH_MS) / DAY_MS) + 1;
/** Distinct (region, birth date, sequence) triples: the ID space one seed walks through. */
const ID_SPACE = REGIONS.length * BIRTH_DAYS * 1000;
/** A prime larger than ID_SPACE, hence coprime with it: n → n·stride + offset is a bijection. */
const ID_STRIDE = 2_147_483_629;
const MOBILE_SPACE = 100_000_000;
const MOBILE_STRIDE = 7919;

/** FNV-1a of the seed: spreads nearby seeds far apart in the ID and number spaces. */
export function seedOffset(seed: number, space: number): number {
  let h = 0x811c9dc5;
  for (const ch of String(seed)) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % space;
}

/** A valid 18-digit resident ID (GB 11643), unique for n within a seed. */
export function residentIdOf(seed: number, n: number): string {
  const k = Number((BigInt(n) * BigInt(ID_STRIDE) + BigInt(seedOffset(seed, ID_SPACE))) % BigInt(ID_SPACE));
  const region = REGIONS[k % REGIONS.length] as Region;
  const rest = Math.floor(k / REGIONS.length);
  const birth = new Date(FIRST_BIRTH_MS + (rest % BIRTH_DAYS) * DAY_MS).toISOString().slice(0, 10);
  const seq = String(Math.floor(rest / BIRTH_DAYS)).padStart(3, '0');
  const first17 = `${region.code}${birth.replaceAll('-', '')}${seq}`;
  return first17 + residentIdCheckChar(first17);
}

/** The region an ID number was issued in (its first six digits), for a matching address. */
export function regionOfId(idNumber: string): Region {
  return REGIONS.find((r) => idNumber.startsWith(r.code)) ?? (REGIONS[0] as Region);
}

/** A mainland mobile number (E.164) under `prefix`, unique for n within a seed and prefix. */
export function mobileOf(seed: number, n: number, prefix: string): string {
  const suffix = (n * MOBILE_STRIDE + seedOffset(seed, MOBILE_SPACE)) % MOBILE_SPACE;
  return `+86${prefix}${String(suffix).padStart(8, '0')}`;
}

export interface Person {
  name: string;
  idNumber: string;
  mobile: string;
  email: string;
  address: { province: string; city: string; district: string; street: string; number: string };
}

/** Person n of a seed: the same on every run and machine. */
export function personOf(seed: number, n: number): Person {
  const rng = new Rng(seed * 7_368_787 + n);
  const idNumber = residentIdOf(seed, n);
  const region = regionOfId(idNumber);
  const mobile = mobileOf(seed, n, rng.pick(['138', '139', '150', '158', '188']));
  return {
    name: rng.pick(SURNAMES) + rng.pick(GIVEN),
    idNumber,
    mobile,
    email: `u${mobile.slice(-8)}@example.cn`,
    address: {
      province: region.province,
      city: region.city,
      district: region.district,
      street: rng.pick(region.streets),
      number: `${rng.int(1, 300)}号`,
    },
  };
}
