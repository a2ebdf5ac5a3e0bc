/** Payment gateway for online payments (Alipay, WeChat Pay, bank card). */
export type OnlineMethod = 'alipay' | 'wechat_pay' | 'bank_card';

export interface ChargeRequest {
  paymentId: string;
  method: OnlineMethod;
  payerAccount: string;
  amountFen: number;
}

export type ChargeResult =
  { status: 'succeeded' } | { status: 'failed'; reason: string } | { status: 'timeout' };

export interface PaymentGateway {
  charge(req: ChargeRequest): Promise<ChargeResult>;
}

/**
 * Simulated gateway with the three outcomes a counter sees. Payer accounts ending in 0000 are
 * declined (insufficient funds), ending in 9999 never answer (the call times out after
 * `timeoutMs`); everything else succeeds. A payment id already charged answers with its first
 * outcome (the gateway is idempotent by payment id, like the real ones).
 */
export function simulatedPaymentGateway(timeoutMs = 200): PaymentGateway {
  const seen = new Map<string, ChargeResult>();
  return {
    async charge(req) {
      const prior = seen.get(req.paymentId);
      if (prior) return prior;
      let result: ChargeResult;
      if (req.payerAccount.endsWith('9999')) {
        await new Promise((r) => setTimeout(r, timeoutMs));
        return { status: 'timeout' };
      } else if (req.payerAccount.endsWith('0000'))
        result = { status: 'failed', reason: 'insufficient_funds' };
      else result = { status: 'succeeded' };
      seen.set(req.paymentId, result);
      return result;
    },
  };
}
