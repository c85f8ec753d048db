import { describe, expect, it } from '@jest/globals';
import { loadTemplate, TemplateFileError } from '../../src/arm/index.js';

describe('loadTemplate', () => {
  it('accepts comments, trailing commas and multi-line strings, and maps JSON paths to lines', () => {
    const text = [
      '{',
      '  // a comment',
      '  "resources": [',
      '    /* block */ { "type": "a/b", "name": "x", "properties": { "script": "line1',
      'line2" }, },',
      '  ],',
      '}'
    ].join('\n');
    const template = loadTemplate(text, 't.json');
    const resources = template.json.resources as { properties: { script: string } }[];
    expect(resources[0]!.properties.script).toBe('line1\nline2');
    expect(template.document.locate(['resources', 0])).toEqual({ file: 't.json', line: 4, column: 17 });
    expect(template.document.locate(['resources', 0, 'name'])).toEqual({
      file: 't.json',
      line: 4,
      column: 42
    });
    // A path that does not exist points at its nearest existing parent.
    expect(template.document.locate(['resources', 0, 'nope'])).toEqual({
      file: 't.json',
      line: 4,
      column: 17
    });
  });

  it('reports a syntax error as file:line:column', () => {
    expect(() => loadTemplate('{\n  "resources": [\n    { "a": 1 "b": 2 }\n  ]\n}', 'bad.json')).toThrow(
      new TemplateFileError('invalid JSON (CommaExpected)', { file: 'bad.json', line: 3, column: 14 })
    );
  });

  it('requires a resources section', () => {
    expect(() => loadTemplate('{ "parameters": {} }', 'x.json')).toThrow(
      /x.json:1:1: a template needs a 'resources' section/
    );
  });
});
