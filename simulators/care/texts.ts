/** What synthetic customers say: complaint texts by category and fault descriptions. */
export const COMPLAINTS = {
  billing: [
    '本月话费比平时多扣了三十多元，请核实',
    '流量包已经续订了还在按标准资费扣费',
    '没有订购的增值业务被扣费',
  ],
  network_quality: ['家里信号很差，经常掉线', '晚上上网速度特别慢，视频一直卡', '地下车库完全没有信号'],
  service_attitude: ['营业厅工作人员态度不好，办理业务等了一个小时', '客服电话一直打不通'],
  device: ['新买的光猫用了两天就坏了', '手机卡插入后提示无服务'],
  other: ['希望增加夜间流量优惠', '积分兑换页面打不开'],
} as const;
export type ComplaintCategory = keyof typeof COMPLAINTS;

export const FAULTS = [
  '无法上网，手机显示有信号但打不开网页',
  '通话断断续续，对方听不清',
  '宽带光猫LOS灯红色闪烁',
  '短信发不出去',
  '4G/5G信号时有时无',
] as const;
