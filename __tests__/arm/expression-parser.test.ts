import { describe, expect, it } from '@jest/globals';
import { isExpressionString, parseExpression, TemplateExpressionError } from '../../src/arm/index.js';

function errorOf(text: string): TemplateExpressionError {
  try {
    parseExpression(text);
  } catch (error) {
    if (error instanceof TemplateExpressionError) return error;
    throw error;
  }
  throw new Error(`'${text}' parsed without error`);
}

describe('parseExpression', () => {
  it('tells expressions from literals: [[ escapes a leading bracket', () => {
    expect(isExpressionString("[concat('a')]")).toBe(true);
    expect(isExpressionString("[[concat('a')]")).toBe(false);
    expect(isExpressionString('plain')).toBe(false);
    expect(isExpressionString('[not closed')).toBe(false);
  });

  it('parses nested calls, strings with doubled quotes and negative numbers', () => {
    expect(parseExpression("[concat('it''s', add(-1, 2))]")).toEqual({
      kind: 'call',
      name: 'concat',
      position: 1,
      args: [
        { kind: 'string', value: "it's", position: 8 },
        {
          kind: 'call',
          name: 'add',
          position: 17,
          args: [
            { kind: 'number', value: -1, position: 21 },
            { kind: 'number', value: 2, position: 25 }
          ]
        }
      ]
    });
  });

  it('parses property access and indexing chains', () => {
    const node = parseExpression("[parameters('a').b[0]['c']]");
    expect(node).toMatchObject({
      kind: 'index',
      index: { kind: 'string', value: 'c' },
      target: { kind: 'index', index: { kind: 'number', value: 0 }, target: { kind: 'property', name: 'b' } }
    });
  });

  it('keeps brackets inside string literals', () => {
    expect(parseExpression("['[x]']")).toEqual({ kind: 'string', value: '[x]', position: 1 });
  });

  it.each([
    ["[concat('a', )]", 13, /Unexpected '\)'/],
    ["[concat('a'", 0, /Expression must start with \[ and end with \]/],
    ["[concat('a']", 11, /Expected '\)' but found end of expression/],
    ["[concat('a) ]", 8, /Unterminated string literal/],
    ['[foo]', 4, /Expected '\(' after 'foo'/],
    ["[concat('a') x]", 13, /Unexpected 'x'/]
  ])('reports %s at position %d', (text, position, message) => {
    const error = errorOf(text);
    expect(error.position).toBe(position);
    expect(error.expression).toBe(text);
    expect(error.message).toMatch(message);
  });
});
