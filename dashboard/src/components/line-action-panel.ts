import { LitElement } from 'lit';
import { api, enc, RequestKey } from '../api-client.ts';
import { ActionState } from '../controllers/action-state.ts';
import { failureText } from '../field-errors.ts';
import { I18nController } from '../i18n.ts';

/**
 * What the panels acting on one line's record share (挂失/解挂, 停机保号/复机, 携号转网): the line
 * read when the number is set (`GET /api/v1/lines/:msisdn[readPath]`, handed to `took`), one action at a time
 * sent with an idempotency key that survives a retry of an unanswered request, the record read
 * again after it, and `changed` fired for the page around.
 */
export abstract class LineActionPanel<L> extends LitElement {
  static override properties = { msisdn: {}, channel: {}, loaded: { state: true } };
  declare msisdn: string;
  declare channel: 'counter' | 'web';
  declare loaded: boolean;
  protected readonly action = new ActionState(this);
  private readonly key = new RequestKey();
  /** What is read under the line (`/port-out`: its review), or the line record itself. */
  protected readonly readPath: string = '';

  constructor() {
    super();
    this.msisdn = '';
    this.channel = 'counter';
    this.loaded = false;
    new I18nController(this);
  }

  /** The line as read (null when it could not be): the panel keeps what it shows. */
  protected abstract took(line: L | null): void;

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('msisdn') && this.msisdn) void this.load();
  }

  protected async load(): Promise<void> {
    this.took(await api.get<L>(`/api/v1/lines/${enc(this.msisdn)}${this.readPath}`).catch(() => null));
    this.loaded = true;
  }

  /** POSTs `path` under the line with the channel and a request id; `done` is the result line. */
  protected send(
    path: string,
    body: Record<string, unknown>,
    done: string,
    word: (err: unknown) => string = failureText,
  ): Promise<boolean> {
    return this.action.run(async () => {
      await this.key.attempt((requestId) =>
        api.post(`/api/v1/lines/${enc(this.msisdn)}${path}`, { ...body, channel: this.channel, requestId }),
      );
      await this.load();
      this.dispatchEvent(new CustomEvent('changed', { bubbles: true, composed: true }));
      return done;
    }, word);
  }
}
