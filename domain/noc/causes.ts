/**
 * Names of the X.733 probable causes the NEs send, in zh-CN and English: ticket titles are made
 * of them and the screens show them instead of the codes. A cause not listed reads as its code.
 */
export const CAUSE_NAMES: Readonly<Record<string, readonly [zh: string, en: string]>> = {
  power_failure: ['站点停电', 'Site power loss'],
  mains_failure: ['市电中断', 'Mains failure'],
  battery_low: ['蓄电池电压低', 'Battery low'],
  rectifier_failure: ['整流模块故障', 'Rectifier failure'],
  link_down: ['传输链路中断', 'Transmission link down'],
  link_flap: ['传输链路闪断', 'Transmission link flapping'],
  transmission_failure: ['传输故障', 'Transmission failure'],
  loss_of_signal: ['信号丢失', 'Loss of signal'],
  cell_unavailable: ['小区退服', 'Cell out of service'],
  high_temperature: ['机房高温', 'High temperature'],
};

/** The cause's names [zh, en], or undefined for a cause not listed. */
export function causeNames(cause: string): readonly [zh: string, en: string] | undefined {
  return Object.hasOwn(CAUSE_NAMES, cause) ? CAUSE_NAMES[cause] : undefined;
}

/** The cause's name in a language; an unknown cause keeps its code. */
export function causeName(cause: string, lang: 'zh' | 'en'): string {
  const names = causeNames(cause);
  return names ? names[lang === 'zh' ? 0 : 1] : cause;
}
