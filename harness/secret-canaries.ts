/**
 * The securestring canaries tests pass to the action, and every form in which one would still be a leak.
 * The harness looks for all of them in every run of every test (run-action.ts), whatever the test is about.
 *
 * This is the test side's own list of encodings, deliberately not the action's (src/report/secret-forms.ts):
 * a check that reused the implementation could not find what the implementation misses.
 */
export const CANARIES = {
  /** Through the parameters file (the reliability suite's `adminPassword`). */
  file: 'Canary-Reliability-Secret-5f2e9b7c',
  /** Inline, as `adminPassword=…` in the `parameters` input. */
  inline: 'Canary-Inline-Override-3a8d41e6',
  /** Every character some rendering escapes: markdown `|`, HTML `& < > "`, JSON `"` `\`, URL ` + / =`. */
  escaped: 'Canary|Esc&<8c1f>"q\\ +d/=e',
  /** Shorter than the 6 characters from which a secret is removed wherever it occurs. */
  short: 'Kq7vZ'
} as const;

/**
 * A cut canary is a leak: its first (or last) this many characters, as an error message that quotes the start
 * of a value or a table cell cut short shows them. Pieces from the middle are not looked for: they are plain
 * words ("eliability" is also in the test workspace's path).
 */
const PIECE_LENGTH = 10;

const ENCODINGS: ReadonlyArray<readonly [string, (text: string) => string]> = [
  ['JSON-escaped', text => JSON.stringify(text).slice(1, -1)],
  ['URL-encoded', encodeURIComponent],
  ['URL-encoded with + for spaces', text => encodeURIComponent(text).replace(/%20/g, '+')],
  ['form-encoded', text => new URLSearchParams({ v: text }).toString().slice(2)],
  [
    'HTML-escaped',
    text =>
      text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;')
  ],
  ['markdown-escaped', text => text.replace(/\|/g, '\\|')]
];

/** The canary and its encoded forms (one or two encodings deep), each with its name. */
export function canaryForms(canary: string): Array<[form: string, name: string]> {
  const forms = new Map<string, string>([[canary, 'raw']]);
  for (const [firstName, first] of ENCODINGS) {
    const once = first(canary);
    if (!forms.has(once)) forms.set(once, firstName);
    for (const [secondName, second] of ENCODINGS) {
      const twice = second(once);
      if (!forms.has(twice)) forms.set(twice, `${firstName}, then ${secondName}`);
    }
  }
  return [...forms].map(([form, name]) => [form, name]);
}

/** Which canaries `text` shows, and in which form (empty when none). */
export function canaryLeaksIn(text: string): string[] {
  const leaks: string[] = [];
  for (const [label, canary] of Object.entries(CANARIES)) {
    if (canary.length < 6) {
      // A short secret is removed where it stands as a word of its own; inside a longer word it is not one.
      const word = new RegExp(`(?<![\\p{L}\\p{N}])${canary}(?![\\p{L}\\p{N}])`, 'u');
      if (word.test(text)) leaks.push(`the ${label} canary (short, as a word)`);
      continue;
    }
    const form = canaryForms(canary).find(([value]) => text.includes(value));
    if (form) {
      leaks.push(`the ${label} canary (${form[1]})`);
      continue;
    }
    const piece = piecesOf(canary).find(value => text.includes(value));
    if (piece) leaks.push(`the ${label} canary (the cut piece '${piece}')`);
  }
  return leaks;
}

function piecesOf(canary: string): string[] {
  return [canary.slice(0, PIECE_LENGTH), canary.slice(-PIECE_LENGTH)];
}
