import { describe, expect, it } from '@jest/globals';
import { guid, uniqueString } from '../../src/arm/index.js';
import { vectors } from './corpus.js';

describe('uniqueString', () => {
  it.each(vectors.published)('published vector %j', ({ args, expected }) => {
    expect(uniqueString(...args)).toBe(expected);
  });

  it('covers every tail length 0–7 in the independently computed vectors', () => {
    expect(new Set(vectors.tailLengths.map(v => v.tailBytes))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7]));
  });

  it.each(vectors.tailLengths)('tail of $tailBytes byte(s): $args', ({ args, expected }) => {
    expect(uniqueString(...args)).toBe(expected);
  });

  it.each(vectors.corpusInputs)('corpus input %j', ({ args, expected }) => {
    expect(uniqueString(...args)).toBe(expected);
  });

  it('always yields 13 characters of the base-32 alphabet, the last one from an even index', () => {
    for (const input of ['x', 'y'.repeat(100), '']) {
      const value = uniqueString(input);
      expect(value).toMatch(/^[a-z2-7]{12}[acegikmoqsuwy246]$/);
    }
  });
});

describe('guid', () => {
  it.each(vectors.guid)('known answer %j', ({ args, expected }) => {
    expect(guid(...args)).toBe(expected);
  });

  it('is a lower-case version-5 UUID that depends on every argument', () => {
    const value = guid('a', 'b');
    expect(value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(value).not.toBe(guid('a', 'c'));
  });
});
