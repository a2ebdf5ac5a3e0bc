import { describe, expect, it } from 'vitest';
import { auditActionText, orderStateText, orderText, type Lookup } from './care-labels.ts';
import { orderMessages } from './messages-orders.ts';
import { screenMessages } from './messages.ts';
import { timelineMessages } from './messages-timeline.ts';
import { OrderEvent } from '../../domain/events/business.ts';

const rows = [...screenMessages, ...orderMessages, ...timelineMessages] as readonly (readonly [
  string,
  string,
  string,
])[];
const zh: Lookup = (k) => rows.find((r) => r[0] === k)?.[1];
const en: Lookup = (k) => rows.find((r) => r[0] === k)?.[2];

describe('customer timeline codes in words', () => {
  it('names audit actions, and the families that carry a state in the name', () => {
    expect(auditActionText('customer.registered', zh)).toBe('客户登记');
    expect(auditActionText('customer.registered', en)).toBe('Customer registered');
    expect(auditActionText('line.owner_registered', zh)).toBe('在网号码登记到客户名下');
    expect(auditActionText('order.contract.done', zh)).toBe('订单 · 合同签订：已完成');
    expect(auditActionText('payment.failed', zh)).toBe('缴费 · 失败');
    expect(auditActionText('unsubscribe.approved', en)).toBe('Unsubscribe · approved');
    expect(auditActionText('notification.sent', zh)).toBe('通知 · 已发送');
  });

  it('shows a code it does not know as stored, never an empty line', () => {
    expect(auditActionText('warehouse.flooded', zh)).toBe('warehouse.flooded');
    expect(auditActionText('payment.refunded', zh)).toBe('缴费 · refunded');
    expect(orderStateText('teleported', zh)).toBe('teleported');
  });

  it('names order kinds and states, including a wizard step and its status', () => {
    expect(orderText({ orderId: 'ORD-1', kind: 'new_line', state: 'activation:failed' }, zh)).toBe(
      'ORD-1 · 新装 · 设备激活：失败',
    );
    expect(orderText({ orderId: 'ORD-2', kind: 'pre_open', state: 'pre_opened' }, en)).toBe(
      'ORD-2 · Internet pre-opening · pre-opened',
    );
  });

  it('has a name in both languages for every kind of order the API records', () => {
    const kinds = OrderEvent.properties.kind.anyOf.map((k: { const: string }) => k.const);
    expect(kinds).toContain('transfer');
    for (const kind of kinds) {
      expect(zh(`okind.${kind}`), kind).toBeTruthy();
      expect(en(`okind.${kind}`), kind).toBeTruthy();
    }
  });
});
