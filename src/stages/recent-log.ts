import type { AnnotationTarget, Log } from '../run/log.js';

/**
 * A Log that remembers its last lines, so a failure nothing else explains still shows what the stage was
 * doing last. Everything is passed on unchanged to the log it wraps. The methods are bound: stages hand
 * `context.log.debug` on as a callback, as they may with the runner's own log.
 */
export class RecentLog implements Log {
  readonly #lines: string[] = [];

  constructor(
    private readonly inner: Log,
    private readonly keep = 50
  ) {}

  readonly info = (message: string): void => {
    this.#remember(message);
    this.inner.info(message);
  };

  readonly debug = (message: string): void => this.inner.debug(message);

  readonly warning = (message: string, target?: AnnotationTarget): void => {
    this.#remember(`Warning: ${message}`);
    this.inner.warning(message, target);
  };

  readonly error = (message: string, target?: AnnotationTarget): void => {
    this.#remember(`Error: ${message}`);
    this.inner.error(message, target);
  };

  readonly mask = (secret: string): void => this.inner.mask(secret);

  /** The remembered lines, oldest first. */
  text(): string {
    return this.#lines.join('\n');
  }

  #remember(message: string): void {
    this.#lines.push(...message.split('\n'));
    if (this.#lines.length > this.keep) this.#lines.splice(0, this.#lines.length - this.keep);
  }
}
