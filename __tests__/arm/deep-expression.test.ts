import { describe, expect, it } from '@jest/globals';
import { evaluate, simpleScope, TemplateExpressionError } from '../../src/arm/index.js';
import { parseExpression } from '../../src/arm/expression-parser.js';
import { CORPUS_CONTEXT as CONTEXT } from './corpus.js';

/**
 * ARM limits a template expression to 24,576 characters and nothing else: every nesting that fits must parse
 * and evaluate (the JavaScript call stack must not be the limit), and a longer expression is refused as ARM
 * documents it.
 */
const scope = simpleScope(CONTEXT, { obj: { a: { b: 'x' } } }, {});
const nested = (depth: number, open: string, inner: string, close: string) =>
  `[${open.repeat(depth)}${inner}${close.repeat(depth)}]`;

describe('deeply nested expressions', () => {
  it('evaluates 3,000 nested concat() calls (24 kB)', () => {
    const expression = nested(3000, 'concat(', "'b'", ')');
    expect(expression.length).toBeGreaterThan(24_000);
    expect(expression.length - 2).toBeLessThanOrEqual(24_576);
    expect(evaluate(expression, scope)).toBe('b');
  });

  it('evaluates nesting as deep as 24,576 characters hold: 4,900 not() calls, 3,500 add() calls', () => {
    const nots = nested(4900, 'not(', 'true()', ')');
    expect(nots.length - 2).toBeLessThanOrEqual(24_576);
    expect(evaluate(nots, scope)).toBe(true);
    const adds = nested(3500, 'add(', '1', ',1)');
    expect(adds.length - 2).toBeLessThanOrEqual(24_576);
    expect(evaluate(adds, scope)).toBe(3501);
  });

  it('evaluates nested indexes and lazy functions', () => {
    const indexes = `[parameters('obj')['a'][${'string('.repeat(2000)}'b'${')'.repeat(2000)}]]`;
    expect(evaluate(indexes, scope)).toBe('x');
    const ifs = nested(1800, 'if(true(),', '7', ',0)');
    expect(ifs.length - 2).toBeLessThanOrEqual(24_576);
    expect(evaluate(ifs, scope)).toBe(7);
  });

  it('refuses an expression longer than 24,576 characters, as ARM does', () => {
    const expression = `[concat('${'x'.repeat(24_570)}')]`;
    expect(expression.length - 2).toBe(24_580);
    expect(() => parseExpression(expression)).toThrow(TemplateExpressionError);
    expect(() => parseExpression(expression)).toThrow(
      /^The expression is 24580 characters long; a template expression can't exceed 24576 characters at position 0/
    );
  });
});
