import { describe, expect, it } from '@jest/globals';
import { Redactor, REDACTED } from '../../src/run/redaction.js';
import { escapeHtml, tableCell } from '../../src/run/markdown-text.js';

/** A password with every character some rendering escapes: | & < > " \ space + / = ' */
const SECRET = 'Pa|ss&<w>"or\\d +/=\'x9Z';

function redactorWith(...secrets: string[]): { redactor: Redactor; masks: string[] } {
  const masks: string[] = [];
  const redactor = new Redactor(secret => masks.push(secret));
  secrets.forEach(secret => redactor.add(secret));
  return { redactor, masks };
}

describe('Redactor: a registered secret in any form it is rendered or encoded in', () => {
  const forms: Array<[string, string]> = [
    ['raw', SECRET],
    ['JSON-escaped', JSON.stringify(SECRET).slice(1, -1)],
    ['URL-encoded (encodeURIComponent)', encodeURIComponent(SECRET)],
    ['form-encoded (+ for spaces)', new URLSearchParams({ v: SECRET }).toString().slice(2)],
    ['encodeURIComponent with + for spaces', encodeURIComponent(SECRET).replace(/%20/g, '+')],
    ['HTML-escaped', escapeHtml(SECRET)],
    ['markdown table cell', tableCell(SECRET)],
    ['JSON inside a table cell', tableCell(JSON.stringify(SECRET))],
    ['JSON inside HTML', escapeHtml(JSON.stringify(SECRET))]
  ];
  it.each(forms)('removes the %s form', (_, form) => {
    const { redactor } = redactorWith(SECRET);
    const text = `before ${form} after`;
    const redacted = redactor.redact(text);
    expect(redacted).not.toContain(form);
    expect(redacted).toContain(REDACTED);
    expect(redacted).toMatch(/^before .*\*\*\*.* after$/);
  });

  it('masks the encoded forms in the log too (the runner masks only what it is given)', () => {
    const { masks } = redactorWith(SECRET);
    expect(masks).toEqual(
      expect.arrayContaining([SECRET, JSON.stringify(SECRET).slice(1, -1), encodeURIComponent(SECRET)])
    );
  });

  it('a secure value shorter than 6 characters is masked and removed where it stands as a word', () => {
    const { redactor, masks } = redactorWith('Zq7k');
    expect(masks).toContain('Zq7k');
    expect(redactor.redact('password Zq7k was refused; "Zq7k"; a|Zq7k|b')).toBe(
      'password *** was refused; "***"; a|***|b'
    );
    // Inside a longer word it is left alone: "Zq7kx" is not the secret, and removing it mangles text.
    expect(redactor.redact('Zq7kx xZq7k')).toBe('Zq7kx xZq7k');
  });

  it('a one- or two-character value is masked in the log but left in other text (it would remove every "1")', () => {
    const { redactor, masks } = redactorWith('1');
    expect(masks).toContain('1');
    expect(redactor.redact('1 error')).toBe('1 error');
  });

  it('reports short values as weak', () => {
    const redactor = new Redactor();
    expect(redactor.isWeak('Zq7k')).toBe(true);
    expect(redactor.isWeak('long-enough-secret')).toBe(false);
  });
});

describe('Redactor: secrets recognised by shape, in their escaped and encoded forms', () => {
  const cases: Array<[string, string, string]> = [
    ['a SAS signature in a URL', 'https://a.blob/c?sv=1&sig=AbC%2Bdef%3D&se=2', 'AbC%2Bdef%3D'],
    [
      'a SAS signature JSON-escaped (\\u0026sig=)',
      '"url":"https://a/c?sv=1\\u0026sig=AbCdef123\\u0026se=2"',
      'AbCdef123'
    ],
    [
      'a SAS signature URL-encoded (%26sig%3D)',
      'redirect=https%3A%2F%2Fa%2Fc%3Fsv%3D1%26sig%3DAbCdef123%26se%3D2',
      'AbCdef123'
    ],
    [
      'a SAS signature HTML-escaped (&amp;sig=)',
      '<a href="https://a/c?sv=1&amp;sig=AbCdef123&amp;se=2">',
      'AbCdef123'
    ],
    [
      'a form-encoded client_secret',
      'grant_type=client_credentials&client_secret=s3cr3t~Value.x&scope=x',
      's3cr3t~Value.x'
    ],
    ['a URL-encoded client_secret', 'body: client_secret%3Ds3cr3tValue123%26scope', 's3cr3tValue123'],
    ['a JSON-in-JSON clientSecret', '{"body":"{\\"clientSecret\\":\\"s3cr3tValue123\\"}"}', 's3cr3tValue123'],
    [
      'a connection-string AccountKey',
      'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc+def/ghi==;',
      'abc+def/ghi=='
    ]
  ];
  it.each(cases)('removes %s', (_, text, secret) => {
    const redacted = new Redactor().redact(text);
    expect(redacted).not.toContain(secret);
    expect(redacted).toContain(REDACTED);
  });

  it('keeps the rest of a SAS URL readable', () => {
    expect(new Redactor().redact('https://a/c?sv=1\\u0026sig=AbCdef123\\u0026se=2')).toBe(
      'https://a/c?sv=1\\u0026sig=***\\u0026se=2'
    );
  });
});

describe('Redactor.redactDeep: raw values before they are rendered', () => {
  it('redacts every string of plain objects and arrays, and keeps other values', () => {
    const { redactor } = redactorWith(SECRET);
    const value = { a: [SECRET, 1, { b: `x ${SECRET}` }], c: true, d: null };
    expect(redactor.redactDeep(value)).toEqual({
      a: [REDACTED, 1, { b: `x ${REDACTED}` }],
      c: true,
      d: null
    });
    expect(value.a[0]).toBe(SECRET);
  });
});
