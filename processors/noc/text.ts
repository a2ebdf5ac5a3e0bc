/** Ticket titles in zh-CN and English for the probable causes the NEs send. */
const CAUSES: Record<string, [string, string]> = {
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
const METRICS: Record<string, [string, string]> = {
  call_drop_rate: ['掉话率过高', 'High call drop rate'],
  attach_success_rate: ['附着成功率低', 'Low attach success rate'],
  throughput_mbps: ['吞吐量低', 'Low throughput'],
  congestion_rate: ['拥塞', 'Congestion'],
};

export function causeTitle(cause: string, object: string): string {
  const [zh, en] = CAUSES[cause] ?? ['网络告警', `Network alarm (${cause})`];
  return `${zh} ${object} / ${en} ${object}`.slice(0, 200);
}

export function metricTitle(metric: string, object: string): string {
  const [zh, en] = METRICS[metric] ?? ['性能指标异常', `KPI degraded (${metric})`];
  return `${zh} ${object} / ${en} ${object}`.slice(0, 200);
}
