import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateJson, loadTemplate, resolveParameters } from '../../src/arm/index.js';
import { templateScope } from '../../src/arm/variables.js';
import { CORPUS_CONTEXT as CONTEXT, FIXTURES_DIR } from './corpus.js';

/**
 * Microsoft's template-function examples against their documented outputs (see PROVENANCE.md in the
 * fixture folder): an authority nobody here wrote.
 */
const DIR = join(FIXTURES_DIR, 'function-examples');
const { examples } = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as {
  examples: Record<string, Record<string, unknown>>;
};

function outputOf(file: string, name: string): unknown {
  const template = loadTemplate(readFileSync(join(DIR, file), 'utf8'), file);
  const parameters = resolveParameters(template, {}, CONTEXT);
  expect(parameters.problems).toEqual([]);
  const scope = templateScope(template.json, parameters.values, CONTEXT);
  const outputs = (template.json.outputs ?? {}) as Record<string, { value: unknown }>;
  return evaluateJson(outputs[name]!.value, scope);
}

const cases = Object.entries(examples).flatMap(([file, expected]) =>
  Object.entries(expected).map(([output, value]) => [file, output, value] as const)
);

describe("Microsoft's documented template-function examples", () => {
  it('covers a representative set', () => {
    expect(Object.keys(examples).length).toBeGreaterThanOrEqual(40);
    expect(cases.length).toBeGreaterThanOrEqual(95);
  });

  it.each(cases)('%s: %s is the documented value', (file, output, value) => {
    expect(outputOf(file, output)).toEqual(value);
  });
});
