/** Notification templates in zh-CN and en. `{name}` placeholders are filled from params. */
export const templates = {
  customer_registered: {
    'zh-CN': '尊敬的{name}，您的客户资料已登记，客户编号 {customerId}。',
    en: 'Dear {name}, your customer record is registered (customer id {customerId}).',
  },
  reservation_confirmed: {
    'zh-CN': '您已预约设备 {model} × {quantity}，时间 {slot}。开始前可免费取消。',
    en: 'Your reservation of {model} × {quantity} is confirmed for {slot}. Free cancellation until then.',
  },
  order_cancelled: {
    'zh-CN': '您的订单 {orderId} 已撤销（{reason}）。预约的设备与上门安装随之取消。',
    en: 'Your order {orderId} is withdrawn ({reason}). Its device reservation and installation visit are cancelled.',
  },
  order_auto_withdrawn: {
    'zh-CN':
      '您的订单 {orderId} 已超过 {days} 天未办理，系统已自动撤单：预占的号码 {msisdn} 已释放，预约的设备与上门安装随之取消，不收取费用。如仍需办理，请重新下单。',
    en: 'Your order {orderId} had no progress for {days} days and was withdrawn: the number {msisdn} held for it is released, and its device reservation and installation visit are cancelled at no charge. Place a new order if you still want the line.',
  },
  reservation_cancelled: {
    'zh-CN': '您的设备预约 {reservationId} 已取消，费用 {fee} 元。',
    en: 'Your reservation {reservationId} is cancelled; fee {fee} yuan.',
  },
  installation_result: {
    'zh-CN': '装机工单 {workOrderId} 结果：{result}。',
    en: 'Installation work order {workOrderId}: {result}.',
  },
  activation_done: {
    'zh-CN': '您的号码 {msisdn} 已激活，欢迎使用。',
    en: 'Your line {msisdn} is active. Welcome!',
  },
  activation_failed: {
    'zh-CN': '号码 {msisdn} 激活未成功（{reason}），我们将尽快处理。',
    en: 'Activation of {msisdn} failed ({reason}); we are on it.',
  },
  preopen_done: {
    'zh-CN': '号码 {msisdn} 已预开户，套餐 {plan}，已付 {amount} 元。',
    en: 'Line {msisdn} is pre-opened on {plan}; {amount} yuan paid.',
  },
  renewal_paid: {
    'zh-CN': '号码 {msisdn} 续费 {amount} 元已到账。',
    en: 'Renewal payment of {amount} yuan for {msisdn} received.',
  },
  profile_changed: {
    'zh-CN': '您的资料已变更：{fields}。如非本人操作请致电客服。',
    en: 'Your details changed: {fields}. If this was not you, call us.',
  },
  identity_change_decided: {
    'zh-CN': '您的证件变更申请已{decision}。',
    en: 'Your identity change request was {decision}.',
  },
  unsubscribe_done: {
    'zh-CN': '号码 {msisdn} 已销户，感谢您一直以来的支持。如有余额退还或未结费用，将另行短信告知。',
    en: 'Line {msisdn} is closed. Thank you for staying with us. If money is to be paid back or is still owed, an SMS follows.',
  },
  sim_swapped: {
    'zh-CN':
      '您的号码 {msisdn} 已于 {time} 完成补换卡，新卡（ICCID 尾号 {last4}）已启用，原卡已停用。如非本人办理，请立即致电10010。',
    en: 'Your line {msisdn} moved to a new SIM (ICCID ending {last4}) at {time}; the old card no longer works. If this was not you, call 10010 now.',
  },
  line_transferred_out: {
    'zh-CN':
      '您名下的号码 {msisdn} 已于 {time} 过户给他人，此后的费用与服务不再由您承担。如非本人办理，请立即致电10010。',
    en: 'Line {msisdn} was transferred to another owner at {time}; its charges and service are no longer yours. If this was not you, call 10010 now.',
  },
  port_out_code: {
    'zh-CN':
      '您的携号转网授权码为 {code}，{expires} 前有效。请勿告诉他人，工作人员不会向您索要。如非本人申请，请立即致电10010。',
    en: 'Your number portability code is {code}, valid until {expires}. Never share it: we will never ask for it. If you did not ask for it, call 10010 now.',
  },
  port_out_done: {
    'zh-CN': '您的号码 {msisdn} 已于 {time} 携出至{recipient}，在本网的服务已终止。感谢您一直以来的支持。',
    en: 'Your number {msisdn} moved to {recipient} at {time}; our service on it has ended. Thank you for staying with us.',
  },
  line_transferred_in: {
    'zh-CN': '号码 {msisdn} 已于 {time} 过户到您名下，欢迎使用。',
    en: 'Line {msisdn} is yours since {time}. Welcome!',
  },
} as const satisfies Record<string, { 'zh-CN': string; en: string }>;
export type TemplateId = keyof typeof templates;

export function render(id: TemplateId, locale: 'zh-CN' | 'en', params: Record<string, string>): string {
  return templates[id][locale].replace(/\{(\w+)\}/g, (_m, k: string) => params[k] ?? `{${k}}`);
}
