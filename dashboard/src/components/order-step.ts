import { LitElement, type PropertyDeclarations } from 'lit';
import { noErrors, stepErrors, type FormErrors } from '../field-errors.ts';
import { I18nController } from '../i18n.ts';
import type { OrderView } from '../order-types.ts';

/**
 * What every step of the order wizard shares: the order it works on, a busy flag while an API
 * call runs, and the API's errors placed under the fields they name.
 */
export class OrderStep extends LitElement {
  static override properties: PropertyDeclarations = {
    order: { attribute: false },
    busy: { state: true },
    errors: { state: true },
  };
  declare order: OrderView;
  declare busy: boolean;
  declare errors: FormErrors;

  constructor() {
    super();
    this.busy = false;
    this.errors = noErrors;
    new I18nController(this);
  }

  /** Runs one action of the step: busy while it runs, errors shown under `fields` (others on top). */
  protected async act(fields: string[], action: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.errors = noErrors;
    try {
      await action();
    } catch (err) {
      this.errors = stepErrors(this, err, fields);
    } finally {
      this.busy = false;
    }
  }
}
