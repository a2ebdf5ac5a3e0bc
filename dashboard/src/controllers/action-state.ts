import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { failureText } from '../field-errors.ts';

/**
 * The state of a form's one action at a time: busy while it runs, then one result line or one
 * failure line (the API's refusal in `failureText`'s words unless the caller words it). Re-renders
 * its host on each change, so a component only declares what is its own.
 */
export class ActionState implements ReactiveController {
  busy = false;
  result = '';
  failure = '';

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Runs `action`; what it returns is the result line. True when it succeeded. */
  async run(action: () => Promise<string>, word: (err: unknown) => string = failureText): Promise<boolean> {
    this.busy = true;
    this.result = '';
    this.failure = '';
    this.host.requestUpdate();
    try {
      this.result = await action();
      return true;
    } catch (err) {
      this.failure = word(err);
      return false;
    } finally {
      this.busy = false;
      this.host.requestUpdate();
    }
  }

  /** A line shown while the action still runs (the next step it waits for). */
  progress(message: string): void {
    this.result = message;
    this.host.requestUpdate();
  }

  /** A failure found before anything is sent (a field the browser cannot check). */
  fail(message: string): void {
    this.result = '';
    this.failure = message;
    this.host.requestUpdate();
  }

  /** The result and failure lines under the form (announced to screen readers). */
  lines() {
    return html`<div role="status" class="ok">${this.result}</div>
      <div role="alert" class="error">${this.failure}</div>`;
  }
}
