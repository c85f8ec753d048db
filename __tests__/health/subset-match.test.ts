import { describe, expect, it } from '@jest/globals';
import { findMismatch } from '../../src/health/subset-match.js';

describe('subset match of a scoring answer', () => {
  it('accepts an answer with more properties than expected', () => {
    expect(findMismatch({ predictions: [2.5] }, { predictions: [2.5], model: 'linear' })).toBeUndefined();
  });

  it('says where a value differs', () => {
    expect(findMismatch({ predictions: [2.5] }, { predictions: [3.5] })).toBe(
      'at $.predictions[0]: expected 2.5, got 3.5'
    );
  });

  it('says which property is missing', () => {
    expect(findMismatch({ label: 'cat', score: 0.9 }, { score: 0.9 })).toBe(
      'at $.label: expected "cat", but it is missing'
    );
  });

  it('matches arrays element by element and requires the same length', () => {
    expect(findMismatch([{ a: 1 }, { b: 2 }], [{ a: 1, x: 0 }, { b: 2 }])).toBeUndefined();
    expect(findMismatch([1, 2], [1, 2, 3])).toBe('at $: expected 2 item(s), got 3');
    expect(findMismatch({ rows: [1] }, { rows: 1 })).toBe('at $.rows: expected an array, got 1');
  });

  it('compares numbers within a relative 1e-6, not bit for bit', () => {
    expect(findMismatch(0.3, 0.1 + 0.2)).toBeUndefined();
    expect(findMismatch(1000000, 1000000.5)).toBeUndefined();
    expect(findMismatch(1, 1.001)).toBe('at $: expected 1, got 1.001');
  });

  it('does not confuse types: "1" is not 1, null is not an object', () => {
    expect(findMismatch({ v: 1 }, { v: '1' })).toBe('at $.v: expected 1, got "1"');
    expect(findMismatch({ v: {} }, { v: null })).toBe('at $.v: expected an object, got null');
    expect(findMismatch(true, true)).toBeUndefined();
  });

  it('quotes property names that are not identifiers', () => {
    expect(findMismatch({ 'class label': 'a' }, { 'class label': 'b' })).toBe(
      'at $["class label"]: expected "a", got "b"'
    );
  });
});
