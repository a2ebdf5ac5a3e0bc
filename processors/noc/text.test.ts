import { describe, expect, it } from 'vitest';
import { inLanguage } from '../../domain/noc/index.ts';
import { causeDescription, causeTitle, congestionDescription, metricDescription, reasons } from './text.ts';

const both = (text: string) => [inLanguage(text, 'zh'), inLanguage(text, 'en')];

describe('ticket texts of the NOC processor', () => {
  it('reads in each language, with the object named in both', () => {
    expect(both(causeTitle('power_failure', 'GD-GZ-0012'))).toEqual([
      '站点停电 GD-GZ-0012',
      'Site power loss GD-GZ-0012',
    ]);
    expect(both(causeDescription('power_failure', 'PWR-GD-GZ-0012', 'GD-GZ-0012'))).toEqual([
      '站点停电：网元 PWR-GD-GZ-0012（GD-GZ-0012）',
      'Site power loss on PWR-GD-GZ-0012 (GD-GZ-0012)',
    ]);
    expect(both(reasons.merged('TT-1'))).toEqual(['已并入 TT-1', 'merged into TT-1']);
    expect(both(reasons.alarmCleared)).toEqual(['告警已清除', 'alarm cleared']);
  });

  it('shows rates as percent and names an unknown cause by its code', () => {
    expect(both(metricDescription('call_drop_rate', 0.045, 'SH-SH-0003-1'))).toEqual([
      '掉话率 4.5%（SH-SH-0003-1）',
      'call drop rate 4.5% on SH-SH-0003-1',
    ]);
    expect(inLanguage(metricDescription('throughput_mbps', 3.2, 'C-1'), 'en')).toBe(
      'throughput 3.2 Mbps on C-1',
    );
    expect(both(causeTitle('fan_failure', 'BJ-BJ-0001'))).toEqual([
      '网络告警 BJ-BJ-0001',
      'Network alarm (fan_failure) BJ-BJ-0001',
    ]);
    expect(both(congestionDescription('SH', 1))).toEqual(['SH 区域 1 个小区拥塞', '1 congested cell in SH']);
  });
});
