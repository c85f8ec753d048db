import { describe, expect, it } from '@jest/globals';
import { evaluate, simpleScope } from '../../src/arm/index.js';
import { CORPUS_CONTEXT as CONTEXT } from './corpus.js';

/**
 * Expression errors are shown in the log, the summary and annotations, and the value an expression works on
 * is often a securestring. A message names the function and (through the expression) the parameter, never
 * the value or a piece of it: a prefix of a password is still a leak, and it is not a registered secret.
 */
const SECRET = 'Canary-Engine-Secret-7c0d2a91';
const scope = simpleScope(CONTEXT, { adminPassword: SECRET });

function messageOf(expression: string): string {
  try {
    evaluate(expression, scope);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${expression} did not fail`);
}

describe('template function errors never echo argument values', () => {
  it.each([
    ["[json(parameters('adminPassword'))]", 'json()'],
    ["[int(parameters('adminPassword'))]", 'int()'],
    ["[bool(parameters('adminPassword'))]", 'bool()'],
    ["[base64ToJson(base64(parameters('adminPassword')))]", 'base64ToJson()'],
    ["[substring(parameters('adminPassword'), 5, 100)]", 'substring()'],
    ["[uri(parameters('adminPassword'), 'x')]", 'uri()']
  ])('%s', (expression, name) => {
    const message = messageOf(expression);
    expect(message).toContain(name);
    expect(message).toContain("parameters('adminPassword')");
    for (const length of [4, 6, 8, 10])
      expect({
        piece: SECRET.slice(0, length),
        shown: message.replace(expression, '').includes(SECRET.slice(0, length))
      }).toEqual({
        piece: SECRET.slice(0, length),
        shown: false
      });
  });
});
