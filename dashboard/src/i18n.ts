import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { screenMessages, type ScreenKey } from './messages.ts';
import { orderMessages, type OrderKey } from './messages-orders.ts';
import { lineMessages, type LineKey } from './messages-lines.ts';
import { chargingMessages, type ChargingKey } from './messages-charging.ts';
import { timelineMessages, type TimelineKey } from './messages-timeline.ts';
import { ticketMessages, type TicketKey } from './messages-tickets.ts';
import { inLanguage } from '../../domain/noc/bilingual.ts';

export type Lang = 'zh-CN' | 'en';

const zh = {
  'app.title': 'StreamBSS 实时运营支撑',
  'nav.home': '首页',
  'nav.live': '实时监控',
  'nav.logout': '退出登录',
  'lang.switch': 'English',
  'login.title': '登录',
  'login.username': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.busy': '正在登录…',
  'login.failed': '用户名或密码错误',
  'login.limited': '尝试次数过多，请稍后再试',
  'login.error': '登录失败，请稍后重试',
  'app.loading': '正在加载…',
  'app.unreachable': '无法连接服务器',
  'app.retry': '重试',
  'app.zone': '北京时间',
  'app.zoneHint': '本系统所有时间均为北京时间（UTC+8），与资费时段和账单一致',
  'home.welcome': '欢迎，{user}（{role}）',
  'home.pages': '你可以使用的页面：',
  'home.none': '你的角色暂无可用页面，更多功能即将上线。',
  'live.title': '实时监控',
  'live.rate': '话单/秒',
  'live.total': '话单总数',
  'live.bad': '异常消息',
  'live.chart': '话单速率（最近 2 分钟）',
  'live.latest': '最新话单',
  'live.connecting': '正在连接实时数据流…',
  'live.disconnected': '实时连接中断，正在重连…',
  'live.denied': '实时数据流拒绝了你的会话，请重新登录。',
  'live.empty': '暂无话单。模拟器或网元发送话单后，这里会实时显示。',
  'col.time': '时间',
  'col.msisdn': '号码',
  'col.type': '类型',
  'col.usage': '用量',
  'col.region': '区域',
  'col.charge': '费用（元）',
  'type.voice': '语音',
  'type.sms': '短信',
  'type.data': '数据',
  'role.agent': '营业员',
  'role.noc': '网管监控',
  'role.technician': '装维人员',
  'role.supervisor': '主管',
  'role.admin': '管理员',
  'role.customer': '用户',
} as const;
export type MsgKey = keyof typeof zh | ScreenKey | OrderKey | LineKey | ChargingKey | TimelineKey | TicketKey;

const en: Record<keyof typeof zh, string> = {
  'app.title': 'StreamBSS real-time operations',
  'nav.home': 'Home',
  'nav.live': 'Live',
  'nav.logout': 'Log out',
  'lang.switch': '中文',
  'login.title': 'Log in',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.busy': 'Logging in…',
  'login.failed': 'Wrong username or password',
  'login.limited': 'Too many attempts, try again later',
  'login.error': 'Login failed, please try again',
  'app.loading': 'Loading…',
  'app.unreachable': 'Cannot reach the server',
  'app.retry': 'Retry',
  'app.zone': 'Beijing time',
  'app.zoneHint': 'All times here are Beijing time (UTC+8), as tariff windows and bills are',
  'home.welcome': 'Welcome, {user} ({role})',
  'home.pages': 'Pages you can use:',
  'home.none': 'No pages for your role yet; more are coming.',
  'live.title': 'Live',
  'live.rate': 'CDRs/s',
  'live.total': 'Total CDRs',
  'live.bad': 'Bad messages',
  'live.chart': 'CDR rate (last 2 minutes)',
  'live.latest': 'Latest CDRs',
  'live.connecting': 'Connecting to the live stream…',
  'live.disconnected': 'Live connection lost, reconnecting…',
  'live.denied': 'The live stream refused your session; please log in again.',
  'live.empty': 'No CDRs yet. They appear here as soon as the simulator or network elements send them.',
  'col.time': 'Time',
  'col.msisdn': 'Number',
  'col.type': 'Type',
  'col.usage': 'Usage',
  'col.region': 'Region',
  'col.charge': 'Charge (¥)',
  'type.voice': 'Voice',
  'type.sms': 'SMS',
  'type.data': 'Data',
  'role.agent': 'Care agent',
  'role.noc': 'NOC engineer',
  'role.technician': 'Technician',
  'role.supervisor': 'Supervisor',
  'role.admin': 'Administrator',
  'role.customer': 'Customer',
};

const rows: readonly (readonly [string, string, string])[] = [
  ...screenMessages,
  ...orderMessages,
  ...lineMessages,
  ...chargingMessages,
  ...timelineMessages,
  ...ticketMessages,
];
const tables: Record<Lang, Record<MsgKey, string>> = {
  'zh-CN': { ...zh, ...Object.fromEntries(rows.map(([k, z]) => [k, z])) } as Record<MsgKey, string>,
  en: { ...en, ...Object.fromEntries(rows.map(([k, , e]) => [k, e])) } as Record<MsgKey, string>,
};
const STORAGE_KEY = 'sbss.lang';
const listeners = new Set<() => void>();
let current: Lang = localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
document.documentElement.lang = current;

export const lang = () => current;

export function setLang(l: Lang): void {
  current = l;
  localStorage.setItem(STORAGE_KEY, l);
  document.documentElement.lang = l;
  for (const fn of listeners) fn();
}

/** A text stored in both languages ("中文 / English", ticket titles and descriptions): this language's half. */
export function localText(text: string): string {
  return inLanguage(text, current === 'en' ? 'en' : 'zh');
}

/** Translates a key, filling `{name}` placeholders. */
export function t(key: MsgKey, vars: Record<string, string> = {}): string {
  return (tables[current][key] ?? key).replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
}

/** The text of `key` in the current language, or undefined when there is no such message. */
export function lookup(key: string): string | undefined {
  return (tables[current] as Record<string, string | undefined>)[key];
}

/** Re-renders its host when the language changes. */
export class I18nController implements ReactiveController {
  private readonly onChange = () => this.host.requestUpdate();
  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }
  hostConnected(): void {
    listeners.add(this.onChange);
  }
  hostDisconnected(): void {
    listeners.delete(this.onChange);
  }
}
