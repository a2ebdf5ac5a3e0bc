import { describe, expect, it } from 'vitest';
import { afterDeliveryAttempt, DEFAULT_RETRY_POLICY, nextAttemptAtMs } from '../../domain/customer/index.ts';
import { GATEWAY_TIMEOUT_MS, sendBounded, type NoticeGateway } from './outbox-store.ts';

const rec = { channel: 'sms' as const, to: '+8613800000042', notificationId: 'ntf-1' };

describe('sendBounded: one attempt at the SMS / e-mail gateway', () => {
  it('gives the gateway the notice id, so a gateway that keeps ids can refuse a repeat', async () => {
    const seen: (string | undefined)[] = [];
    const gw: NoticeGateway = {
      send: (_c, _t, _x, id) => {
        seen.push(id);
        return Promise.resolve(null);
      },
    };
    expect(await sendBounded(gw, rec, 'hello')).toBeNull();
    expect(seen).toEqual(['ntf-1']);
  });

  it('a gateway that never answers is a passing failure, retried later, not a stuck send', async () => {
    const silent: NoticeGateway = { send: () => new Promise(() => {}) };
    const t0 = Date.now();
    const reason = await sendBounded(silent, rec, 'hello', 30);
    expect(reason).toBe('gateway_timeout');
    expect(Date.now() - t0).toBeLessThan(1000);
    const failed = afterDeliveryAttempt(
      { state: 'queued' as const, attempts: 0, history: [{ state: 'queued' as const, atMs: 0 }] },
      reason,
      1_000,
    );
    expect(nextAttemptAtMs(failed)).toBe(1_000 + DEFAULT_RETRY_POLICY.baseMs);
  });

  it('a gateway that throws is gateway_error', async () => {
    const broken: NoticeGateway = { send: () => Promise.reject(new Error('ECONNRESET')) };
    expect(await sendBounded(broken, rec, 'hello')).toBe('gateway_error');
  });

  it('waits less than the stuck grace, so no sweeper sends a notice its first sender still waits on', () => {
    expect(GATEWAY_TIMEOUT_MS).toBeLessThan(DEFAULT_RETRY_POLICY.stuckMs / 2);
  });
});
