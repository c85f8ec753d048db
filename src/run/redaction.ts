/**
 * Removes secrets from text that leaves the process other than through the log: the job summary, the PR
 * comment, annotations, outputs. The runner masks registered values in the log only, so everything that
 * goes elsewhere passes through here: values registered as they were obtained (keys, tokens, secure
 * parameters), and patterns for secrets the action never saw as values (a SAS URL in an Azure error message,
 * a connection string in a container log).
 */
export class Redactor {
  readonly #values = new Set<string>();

  /** Registers a secret value; `mask` also hands it to the runner's log masking. */
  constructor(private readonly mask: (secret: string) => void = () => {}) {}

  /**
   * Registers a value obtained from Azure or the inputs. Every value is masked in the log (the runner's
   * choice); only values of {@link MIN_SECRET_LENGTH} or more are replaced in other text, where replacing a
   * short value such as "abc" would mangle words around it.
   */
  add(secret: string | undefined): void {
    if (!secret || this.#values.has(secret)) return;
    this.mask(secret);
    if (secret.length >= MIN_SECRET_LENGTH) this.#values.add(secret);
  }

  redact(text: string): string {
    let result = text;
    // Longest first, so a secret containing another is removed whole.
    for (const value of [...this.#values].sort((a, b) => b.length - a.length))
      result = result.split(value).join(REDACTED);
    for (const [pattern, replacement] of SECRET_PATTERNS) result = result.replace(pattern, replacement);
    return result;
  }
}

export const REDACTED = '***';

/** Shorter values are masked in the log but not replaced elsewhere: "key" or "true" would mangle messages. */
const MIN_SECRET_LENGTH = 6;

/** Secrets recognised by shape. Each keeps the name, so the reader still sees what was there. */
const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // SAS signature in a URL or a connection string: sig=…
  [/([?&;]sig=)[^&\s"';]+/gi, `$1${REDACTED}`],
  // Connection strings: AccountKey=…, SharedAccessKey=…, SharedAccessSignature=…, Password=…
  [/\b(AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd)=[^;\s"']+/gi, `$1=${REDACTED}`],
  // Authorization headers and bearer tokens.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]{8,}=*/g, `$1 ${REDACTED}`],
  // JSON Web Tokens wherever they appear (three base64url parts, the first a JSON header).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // "primaryKey": "…", "secondaryKey", "accessToken", "clientSecret", "password" in JSON.
  [
    /("(?:primaryKey|secondaryKey|accessToken|access_token|clientSecret|client_secret|password|key\d?)"\s*:\s*")[^"]+(")/gi,
    `$1${REDACTED}$2`
  ]
];
