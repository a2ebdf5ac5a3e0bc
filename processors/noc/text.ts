import { bilingual, causeNames } from '../../domain/noc/index.ts';

/**
 * The texts the NOC processor writes into tickets, in zh-CN and English (`bilingual`: the
 * screens show the half of their language, API clients and exports get both).
 */
const METRICS: Record<string, [string, string]> = {
  call_drop_rate: ['掉话率过高', 'High call drop rate'],
  attach_success_rate: ['附着成功率低', 'Low attach success rate'],
  throughput_mbps: ['吞吐量低', 'Low throughput'],
  congestion_rate: ['拥塞', 'Congestion'],
};
/** A metric's name and how its value reads (rates are fractions, shown as percent). */
const METRIC_NAMES: Record<string, [string, string, (v: number) => string]> = {
  call_drop_rate: ['掉话率', 'call drop rate', percent],
  attach_success_rate: ['附着成功率', 'attach success rate', percent],
  throughput_mbps: ['吞吐量', 'throughput', (v) => `${v} Mbps`],
  congestion_rate: ['拥塞率', 'congestion rate', percent],
};

function percent(v: number): string {
  return `${Number((v * 100).toFixed(2))}%`;
}

/** A listed cause's names, or a generic title that keeps the code. */
function titleNames(cause: string): readonly [string, string] {
  return causeNames(cause) ?? ['网络告警', `Network alarm (${cause})`];
}

export function causeTitle(cause: string, object: string): string {
  const [zh, en] = titleNames(cause);
  return bilingual(`${zh} ${object}`, `${en} ${object}`);
}

export function metricTitle(metric: string, object: string): string {
  const [zh, en] = METRICS[metric] ?? ['性能指标异常', `KPI degraded (${metric})`];
  return bilingual(`${zh} ${object}`, `${en} ${object}`);
}

/**
 * "站点停电：网元 PWR-1（GD-GZ-0012） / Site power loss on PWR-1 (GD-GZ-0012)". Not the number of
 * related alarms: the description is written once, when the ticket opens, before most of them
 * arrive (the ticket's childCount keeps that number current).
 */
export function causeDescription(cause: string, neId: string, object: string): string {
  const [zh, en] = titleNames(cause);
  return bilingual(`${zh}：网元 ${neId}（${object}）`, `${en} on ${neId} (${object})`, 2000);
}

/** "掉话率 4.5%（GD-GZ-0012-1） / call drop rate 4.5% on GD-GZ-0012-1" */
export function metricDescription(metric: string, value: number, cellId: string): string {
  const [zh, en, show] = METRIC_NAMES[metric] ?? [metric, metric, String];
  return bilingual(`${zh} ${show(value)}（${cellId}）`, `${en} ${show(value)} on ${cellId}`, 2000);
}

export function congestionDescription(region: string, cells: number): string {
  return bilingual(
    `${region} 区域 ${cells} 个小区拥塞`,
    `${cells} congested cell${cells === 1 ? '' : 's'} in ${region}`,
    2000,
  );
}

/** Why the processor changed a ticket's status, as its history shows it. */
export const reasons = {
  merged: (into: string) => bilingual(`已并入 ${into}`, `merged into ${into}`),
  faultReturned: bilingual('故障复现', 'fault returned'),
  alarmCleared: bilingual('告警已清除', 'alarm cleared'),
  kpiRecovered: bilingual('指标恢复', 'KPI recovered'),
  congestionCleared: bilingual('拥塞解除', 'congestion cleared'),
  flapping: bilingual('频繁闪断', 'flapping'),
};
