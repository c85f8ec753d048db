import { describe, expect, it } from '@jest/globals';
import { parseParametersInput, typeInlineValue } from '../../src/config/parameters-input.js';

describe('parameters input', () => {
  it('splits files from name=value lines, keeping spaces and = inside values', () => {
    const { value, problems } = parseParametersInput(
      'infra/main.parameters.json\n# a comment\n\nsku = {"name": "standard"}\nconn=a=b; c=d\n'
    );
    expect(problems).toEqual([]);
    expect(value.files).toEqual(['infra/main.parameters.json']);
    expect(Object.fromEntries(value.inline)).toEqual({
      sku: { text: '{"name": "standard"}', line: 4 },
      conn: { text: 'a=b; c=d', line: 5 }
    });
  });

  it('flags a parameter set twice', () => {
    expect(parseParametersInput('a=1\na=2').problems[0]!.message).toBe("line 2 sets 'a' a second time.");
  });

  it('flags a parameter set twice in two spellings: ARM parameter names are case-insensitive', () => {
    const { value, problems } = parseParametersInput('Location=westeurope\nsku=S1\nlocation=northeurope');
    expect(problems).toEqual([
      {
        input: 'parameters',
        message:
          "line 3 sets 'location' a second time (line 1 sets 'Location'; parameter names are case-insensitive).",
        fix: 'Keep one line per parameter.'
      }
    ]);
    expect([...value.inline.keys()]).toEqual(['Location', 'sku']);
  });

  it('types values by the declared parameter type', () => {
    expect(typeInlineValue('42', 'int')).toEqual({ value: 42 });
    expect(typeInlineValue('true', 'bool')).toEqual({ value: true });
    expect(typeInlineValue('[1,2]', 'array')).toEqual({ value: [1, 2] });
    expect(typeInlineValue('42', 'string')).toEqual({ value: '42' });
    expect(typeInlineValue('4.5', 'int').problem).toBe("'4.5' is not a valid int.");
    expect(typeInlineValue('{oops', 'object').problem).toBe(
      "'{oops' is not a valid object (write it as JSON)."
    );
  });

  it('never echoes a secure value in a problem', () => {
    expect(typeInlineValue('{"password": "hunter2"', 'secureObject').problem).toBe(
      'the value is not a valid secureObject (write it as JSON).'
    );
  });
});
