import { secretForms } from './secret-forms.js';

/**
 * Removes secrets from text that leaves the process other than through the log: the job summary, the PR
 * comment, annotations, outputs. The runner masks registered values in the log only, so everything that
 * goes elsewhere passes through here: values registered as they were obtained (keys, tokens, secure
 * parameters) in every form they are encoded or rendered in (secret-forms.ts), and patterns for secrets the
 * action never saw as values (a SAS URL in an Azure error message, a connection string in a container log).
 *
 * Redact raw text before rendering it: a table cell or a title is cut to its first sentence, and a cut
 * secret is no longer any form of the secret. `redactDeep` does that for whole results.
 */
export class Redactor {
  /** Forms removed wherever they occur. */
  readonly #values = new Set<string>();
  /** Short forms, removed only where they stand as a word of their own. */
  readonly #words = new Set<string>();
  readonly #seen = new Set<string>();
  #pattern: RegExp | undefined;

  /** Registers a secret value; `mask` also hands it to the runner's log masking. */
  constructor(private readonly mask: (secret: string) => void = () => {}) {}

  /**
   * Registers a value obtained from Azure or the inputs. The value and its encoded forms are masked in the
   * log and removed from other text. A value shorter than {@link MIN_SECRET_LENGTH} is removed only as a
   * whole word (replacing "abc" inside "abcde" would mangle words around it), and one shorter than
   * {@link MIN_WORD_LENGTH} only in the log, where the runner masks it anyway.
   */
  add(secret: string | undefined): void {
    if (!secret || this.#seen.has(secret)) return;
    this.#seen.add(secret);
    this.mask(secret);
    for (const form of secretForms(secret)) {
      if (form.length >= MIN_SECRET_LENGTH) {
        if (form !== secret) this.mask(form);
        this.#values.add(form);
      } else if (form.length >= MIN_WORD_LENGTH) this.#words.add(form);
    }
    this.#pattern = undefined;
  }

  /** True for a value too short to be removed everywhere: worth a warning to whoever chose it. */
  isWeak(secret: string): boolean {
    return secret.length < MIN_SECRET_LENGTH;
  }

  redact(text: string): string {
    let result = text;
    const pattern = this.#registered();
    if (pattern) result = result.replace(pattern, REDACTED);
    for (const [shape, replacement] of SECRET_PATTERNS) result = result.replace(shape, replacement);
    return result;
  }

  /** A copy of plain objects and arrays with every string redacted; other values are kept as they are. */
  redactDeep<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map(item => this.redactDeep(item)) as T;
    if (isPlainObject(value)) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, this.redactDeep(item)])
      ) as T;
    }
    return value;
  }

  /** One pattern for every registered form, longest first so a secret containing another goes whole. */
  #registered(): RegExp | undefined {
    if (this.#pattern || (this.#values.size === 0 && this.#words.size === 0)) return this.#pattern;
    const alternatives = (values: Set<string>) =>
      [...values].sort((a, b) => b.length - a.length).map(escapeRegExp);
    const parts: string[] = [];
    if (this.#values.size > 0) parts.push(alternatives(this.#values).join('|'));
    if (this.#words.size > 0)
      parts.push(`(?<![\\p{L}\\p{N}])(?:${alternatives(this.#words).join('|')})(?![\\p{L}\\p{N}])`);
    this.#pattern = new RegExp(parts.join('|'), 'gu');
    return this.#pattern;
  }
}

export const REDACTED = '***';

/** Values of at least this length are removed wherever they occur. */
const MIN_SECRET_LENGTH = 6;
/**
 * Shorter values down to this length are removed as whole words; below it ("1", "ok") removing the value
 * would remove every number and word like it, so such a value is masked in the log only (and warned about).
 */
const MIN_WORD_LENGTH = 3;

/** JSON property names whose string value is a secret. */
const JSON_SECRET_NAMES =
  'primaryKey|secondaryKey|accessToken|access_token|clientSecret|client_secret|password|key\\d?';

/** Secrets recognised by shape. Each keeps the name, so the reader still sees what was there. */
const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // SAS signature in a URL or a connection string: sig=…, also JSON-escaped (\u0026sig=), URL-encoded
  // (%26sig%3D) and HTML-escaped (&amp;sig=); the value ends where the next parameter starts in that form.
  [
    /((?:[?&;]|\\u0026|%26|&amp;)sig(?:=|%3D|\\u003d))(?:(?!%26|\\u0026|&amp;)[^&\s"'<>;\\])+/gi,
    `$1${REDACTED}`
  ],
  // Connection strings: AccountKey=…, SharedAccessKey=…, SharedAccessSignature=…, Password=…
  [/\b(AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd)=[^;\s"']+/gi, `$1=${REDACTED}`],
  // OAuth form bodies (Entra token requests quoted in an error): client_secret=…, plain or URL-encoded.
  [
    /\b(client_secret|client_assertion|refresh_token|access_token|id_token)(=|%3D)(?:(?!%26)[^&\s"'<>;\\])+/gi,
    `$1$2${REDACTED}`
  ],
  // Authorization headers and bearer tokens.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]{8,}=*/g, `$1 ${REDACTED}`],
  // JSON Web Tokens wherever they appear (three base64url parts, the first a JSON header).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // "primaryKey": "…", "secondaryKey", "accessToken", "clientSecret", "password" in JSON …
  [new RegExp(`("(?:${JSON_SECRET_NAMES})"\\s*:\\s*")(?:[^"\\\\]|\\\\.)+(")`, 'gi'), `$1${REDACTED}$2`],
  // … and in JSON quoted inside JSON (an error message that carries a request body): \"clientSecret\":\"…\"
  [
    new RegExp(`(\\\\"(?:${JSON_SECRET_NAMES})\\\\"\\s*:\\s*\\\\")(?:[^"\\\\]|\\\\(?!"))+`, 'gi'),
    `$1${REDACTED}`
  ]
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
