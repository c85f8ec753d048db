import { escapeHtml, tableCell } from './markdown-text.js';

/**
 * The ways a secret value is rewritten on its way to a reader, each of which still shows the secret: an Azure
 * error quotes a request body (JSON), a redirect URL carries it percent-encoded, a token request form-encodes
 * it, and the report renders text as a markdown table cell or inside HTML. GitHub shows `\|` as `|` and
 * `&amp;` as `&`, so the rendered form is the secret to whoever reads the page.
 */
const ENCODINGS: ReadonlyArray<(text: string) => string> = [
  text => JSON.stringify(text).slice(1, -1),
  encodeURIComponent,
  text => encodeURIComponent(text).replace(/%20/g, '+'),
  text => new URLSearchParams({ v: text }).toString().slice(2),
  encodeURI,
  escapeHtml,
  text => escapeHtml(text).replace(/'/g, '&#39;'),
  text => escapeHtml(text).replace(/'/g, '&#x27;'),
  tableCell
];

/**
 * The value and every form one or two of the encodings above turn it into (JSON inside a table cell, HTML
 * of a URL-encoded value, …), without duplicates. Two levels cover what the action renders: a value inside
 * an Azure message (JSON) inside the summary (markdown or HTML).
 */
export function secretForms(secret: string): string[] {
  const forms = new Set([secret]);
  for (const first of ENCODINGS) {
    const once = first(secret);
    forms.add(once);
    for (const second of ENCODINGS) forms.add(second(once));
  }
  return [...forms];
}
