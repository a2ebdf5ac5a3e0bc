/**
 * Stored codes of the customer timeline (order kinds and states, audit actions, complaint and
 * ticket states) as words in the screen's language. `look` returns the text of a message key, or
 * undefined when there is none: a code this table does not know yet is shown as stored rather
 * than hidden.
 */
export type Lookup = (key: string) => string | undefined;

const word = (look: Lookup, key: string, code: string) => look(key) ?? code;

/** "contract:done" → 合同签订：已完成; "pre_opened" → 已预开户. */
export function orderStateText(state: string, look: Lookup): string {
  const [step, status] = state.split(':');
  if (step && status) return `${word(look, `step.${step}`, step)}：${word(look, `sstate.${status}`, status)}`;
  return word(look, `ostate.${state}`, state);
}

export function orderText(o: { orderId: string; kind: string; state: string }, look: Lookup): string {
  return `${o.orderId} · ${word(look, `okind.${o.kind}`, o.kind)} · ${orderStateText(o.state, look)}`;
}

/**
 * "customer.registered" → 客户登记; the families with a state in the name read as the family and
 * the state: "order.contract.done" → 订单 · 合同签订：已完成, "payment.failed" → 缴费 · 失败,
 * "unsubscribe.approved" → 退订 · 已批准, "notification.sent" → 通知 · 已发送.
 */
export function auditActionText(action: string, look: Lookup): string {
  const known = look(`audit.${action}`);
  if (known) return known;
  const [family, ...rest] = action.split('.');
  const familyText = family ? look(`auditf.${family}`) : undefined;
  if (!familyText || !rest.length) return action;
  if (family === 'order' && rest.length === 2)
    return `${familyText} · ${orderStateText(`${rest[0]}:${rest[1]}`, look)}`;
  const state = rest.join('.');
  const stateText = family === 'notification' ? look(`notice.${state}`) : look(`ostate.${state}`);
  return `${familyText} · ${stateText ?? state}`;
}
