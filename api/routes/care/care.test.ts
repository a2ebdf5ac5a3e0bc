import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyDeviceEvent } from './activation.ts';
import { simulatedPaymentGateway } from './gateway.ts';
import type { OrderRecord } from './order-store.ts';
import { simulatedGateway } from './outbox.ts';
import { renderContractPdf, type ContractContent } from './pdf.ts';
import { render } from './templates.ts';
import { periodRange } from './usage-report.ts';

const NOW = Date.UTC(2026, 10, 26, 4, 0); // 12:00 China time

describe('usage periods (China time)', () => {
  it('spans this month and last month by local calendar, and bounds custom ranges', () => {
    expect(periodRange({ period: 'this_month' }, NOW)).toEqual({
      fromMs: Date.UTC(2026, 10, 1) - 8 * 3_600_000,
      toMs: Date.UTC(2026, 11, 1) - 8 * 3_600_000,
    });
    expect(periodRange({ period: 'last_month' }, NOW).fromMs).toBe(Date.UTC(2026, 9, 1) - 8 * 3_600_000);
    expect(() => periodRange({ period: 'custom', from: '2026-11-01' }, NOW)).toThrow(/from and to/);
    expect(() => periodRange({ period: 'custom', from: '2025-01-01', to: '2026-11-01' }, NOW)).toThrow(
      /one year/,
    );
  });
});

describe('activation sub-steps', () => {
  const order = {
    activation: {
      sim_activation: { status: 'pending' },
      network_attach: { status: 'pending' },
      device_verification: { status: 'pending' },
    },
  } as unknown as OrderRecord;
  const ev = (result: 'ok' | 'failed', reason?: string) => ({
    eventId: 'e1',
    step: 'network_attach' as const,
    msisdn: '+8613800000001',
    iccid: '8986001234567890123',
    imsi: '460001234567890',
    result,
    ...(reason ? { reason } : {}),
    atMs: NOW,
  });
  it('records a failure with its reason, and a late failure never undoes a success', () => {
    const failed = applyDeviceEvent(order, ev('failed', 'no_coverage'));
    expect(failed.activation.network_attach).toEqual({ status: 'failed', reason: 'no_coverage', atMs: NOW });
    const ok = applyDeviceEvent(failed, ev('ok'));
    expect(ok.activation.network_attach.status).toBe('ok');
    expect(applyDeviceEvent(ok, ev('failed', 'late'))).toBe(ok);
  });
});

describe('simulated gateways', () => {
  it('declines, times out and succeeds by payer account, idempotent by payment id', async () => {
    const g = simulatedPaymentGateway(5);
    const req = { paymentId: 'p1', method: 'alipay' as const, amountFen: 100 };
    expect(await g.charge({ ...req, payerAccount: 'x0000' })).toEqual({
      status: 'failed',
      reason: 'insufficient_funds',
    });
    expect(await g.charge({ ...req, paymentId: 'p2', payerAccount: 'x9999' })).toEqual({ status: 'timeout' });
    expect(await g.charge({ ...req, payerAccount: 'x1234' })).toEqual({
      status: 'failed',
      reason: 'insufficient_funds',
    });
  });
  it('bounces .invalid mail and fails flaky addresses once', async () => {
    const g = simulatedGateway();
    expect(await g.send('email', 'a@b.invalid', 't')).toBe('mailbox_unreachable');
    expect(await g.send('email', 'flaky@x.com', 't')).toBe('temporary_failure');
    expect(await g.send('email', 'flaky@x.com', 't')).toBeNull();
  });
});

describe('templates and contract PDF', () => {
  it('renders both languages', () => {
    expect(render('activation_done', 'en', { msisdn: '+86138' })).toBe(
      'Your line +86138 is active. Welcome!',
    );
    expect(render('activation_done', 'zh-CN', { msisdn: '+86138' })).toContain('已激活');
  });
  it('renders the same contract to the same bytes (stable hash), with or without the CJK font', async () => {
    const c: ContractContent = {
      contractId: 'ctr-1',
      orderId: 'ord-1',
      customerName: '张三',
      customerIdMasked: '110***********002X',
      carrier: 'StreamBSS',
      planName: '畅享 Enjoy',
      monthlyFee: '128.00',
      termMonths: 12,
      terms: ['条款 / term'],
      devices: [{ model: 'ONT-1', quantity: 1 }],
      signatures: [{ party: 'customer', signer: '张三', atIso: '2026-11-26T00:00:00.000Z' }],
      createdAtMs: NOW,
    };
    const h = async (font?: string) =>
      createHash('sha256')
        .update(await renderContractPdf(c, font))
        .digest('hex');
    expect(await h()).toBe(await h());
    const fallback = await renderContractPdf(c, '/nonexistent-font.ttc');
    expect(fallback.subarray(0, 5).toString()).toBe('%PDF-');
  });
});
