import { api, enc } from './api-client.ts';
import { failureText } from './field-errors.ts';
import { t } from './i18n.ts';

/** What charging made of a request care accepted (GET /api/v1/lines/:msisdn/outcomes/:kind/:id). */
export interface ChargingOutcome {
  state: 'pending' | 'applied' | 'refused';
  /** The SMS the customer got, in their language. */
  text?: string;
}

/** Charging refused a request the API had accepted; `text` is what the customer was told. */
export class ChargingRefusal extends Error {
  constructor(readonly text: string) {
    super(text);
  }
}

/**
 * Waits until charging has applied or refused an accepted request (usually well under a second),
 * reading its outcome every `everyMs` for at most `timeoutMs`: `pending` then means charging has
 * not decided yet and the customer will be told by SMS. A refusal throws ChargingRefusal.
 */
export async function awaitOutcome(
  msisdn: string,
  kind: 'add-on' | 'plan-change',
  id: string,
  { timeoutMs = 15_000, everyMs = 700 } = {},
): Promise<ChargingOutcome> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const o = await api
      .get<ChargingOutcome>(`/api/v1/lines/${enc(msisdn)}/outcomes/${kind}/${enc(id)}`)
      .catch((): ChargingOutcome => ({ state: 'pending' }));
    if (o.state === 'refused') throw new ChargingRefusal(o.text ?? '');
    if (o.state === 'applied' || Date.now() >= until) return o;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * The failure line: charging's refusal as the customer was told it, else the API's refusal.
 * `self`: the customer is the one reading (the business hall), so it speaks to them.
 */
export const refusalText =
  (self: boolean) =>
  (err: unknown): string =>
    err instanceof ChargingRefusal
      ? t(self ? 'outcome.refusedSelf' : 'outcome.refused', { text: err.text })
      : failureText(err);

/** The result line when charging has not decided within the wait. */
export const pendingText = (self: boolean): string => t(self ? 'outcome.pendingSelf' : 'outcome.pending');
