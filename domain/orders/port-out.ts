/**
 * 携号转网 (number portability, porting out): the owner asks for an authorization code (携转授权码),
 * which the operator they move to presents with the port request; the line then closes here and
 * the number goes with them. Checked before a code is given and again when the port comes
 * (携转资格): every blocking reason at once, in zh-CN and en, so the customer can settle them all.
 * Pure.
 */
import { shanghaiIso } from '../catalog/index.ts';
import { formatYuan } from '../money/index.ts';

export type PortOutBlockCode =
  'LINE_NOT_ACTIVE' | 'LINE_LOST' | 'TOO_NEW' | 'CONTRACT_TERM' | 'DEVICES_OUTSTANDING' | 'ARREARS';

export interface PortOutBlock {
  code: PortOutBlockCode;
  text: { 'zh-CN': string; en: string };
}

export interface PortOutInput {
  lineStatus: 'active' | 'pre_opened' | 'closed';
  lost: boolean;
  openedAtMs: number;
  contractEndMs: number | null;
  devicesOutstanding: number;
  /** The line's money as charging holds it: negative is owed. Null when charging does not know it. */
  balanceFen: number | null;
  nowMs: number;
}

const DAY_MS = 86_400_000;
/** A line can port out once it has been in service this long (入网满 120 天). */
export const PORT_OUT_MIN_DAYS = 120;
/** How long an authorization code stays valid. */
export const PORT_CODE_VALID_DAYS = 30;

const block = (code: PortOutBlockCode, zh: string, en: string): PortOutBlock => ({
  code,
  text: { 'zh-CN': zh, en },
});
const day = (ms: number) => shanghaiIso(ms).slice(0, 10);

/** Every reason the line cannot port out now (empty: it can). */
export function portOutBlocks(i: PortOutInput): PortOutBlock[] {
  if (i.lineStatus !== 'active')
    return [block('LINE_NOT_ACTIVE', '号码不在使用中', 'the line is not in service')];
  const out: PortOutBlock[] = [];
  if (i.lost)
    out.push(block('LINE_LOST', '号码已挂失，请先解挂或补卡', 'the SIM is reported lost: restore it first'));
  const since = i.openedAtMs + PORT_OUT_MIN_DAYS * DAY_MS;
  if (i.nowMs < since)
    out.push(
      block(
        'TOO_NEW',
        `入网满 ${PORT_OUT_MIN_DAYS} 天后可办理（${day(since)} 起）`,
        `a line can port out after ${PORT_OUT_MIN_DAYS} days in service (from ${day(since)})`,
      ),
    );
  if (i.contractEndMs !== null && i.contractEndMs > i.nowMs)
    out.push(
      block(
        'CONTRACT_TERM',
        `合约期至 ${day(i.contractEndMs)}，到期后可办理`,
        `the contract runs until ${day(i.contractEndMs)}`,
      ),
    );
  if (i.devicesOutstanding > 0)
    out.push(
      block(
        'DEVICES_OUTSTANDING',
        `有 ${i.devicesOutstanding} 台租用设备未归还`,
        `${i.devicesOutstanding} rented device(s) to return first`,
      ),
    );
  if (i.balanceFen !== null && i.balanceFen < 0)
    out.push(
      block(
        'ARREARS',
        `尚有 ${formatYuan(-i.balanceFen)} 元未结清（含本月费用）`,
        `${formatYuan(-i.balanceFen)} yuan unsettled (this month included)`,
      ),
    );
  return out;
}

/** When a code given at `issuedAtMs` stops being accepted. */
export const portCodeExpiresAtMs = (issuedAtMs: number) => issuedAtMs + PORT_CODE_VALID_DAYS * DAY_MS;
