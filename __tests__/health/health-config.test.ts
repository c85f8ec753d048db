import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { INPUT_NAMES, type InputName, type RawInputs } from '../../src/contract/inputs.js';
import { loadHealthConfig } from '../../src/config/health-config.js';
import type { ConfigurationProblem } from '../../src/run/errors.js';

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'health-config-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function load(root: string, values: Partial<Record<InputName, string>>) {
  const blank = Object.fromEntries(INPUT_NAMES.map(name => [name, ''])) as Record<InputName, string>;
  const inputs: RawInputs = { ...blank, 'health-requests': '5', 'health-concurrency': '1', ...values };
  const problems: ConfigurationProblem[] = [];
  const config = loadHealthConfig(inputs, { workspace: root, repository: 'o/r', runId: '1', path: '' }, p =>
    problems.push(p)
  );
  return { config, problems };
}

describe('health gate configuration', () => {
  it('is off without sample-request', () => {
    expect(load(workspace({}), {})).toEqual({ config: undefined, problems: [] });
  });

  it('reads one sample file as it is written, with the bounds and budget', () => {
    const root = workspace({ 'samples/row.json': '{"data": [[1, 2, 3]]}\n' });
    const { config, problems } = load(root, {
      'sample-request': 'samples/row.json',
      'health-requests': '8',
      'health-concurrency': '4',
      'latency-budget-ms': '250',
      'target-rps': '20'
    });
    expect(problems).toEqual([]);
    expect(config).toEqual({
      samples: [{ file: 'samples/row.json', body: '{"data": [[1, 2, 3]]}\n' }],
      requests: 8,
      concurrency: 4,
      latencyBudgetMs: 250,
      targetRps: 20
    });
  });

  it('reads a folder of samples in order, pairing <name>.expected.json, and sends each at least once', () => {
    const root = workspace({
      'samples/b.json': '[2]',
      'samples/a.json': '[1]',
      'samples/a.expected.json': '{"predictions": [1]}',
      'samples/notes.txt': 'not a sample'
    });
    const { config, problems } = load(root, { 'sample-request': 'samples', 'health-requests': '1' });
    expect(problems).toEqual([]);
    expect(config!.samples).toEqual([
      {
        file: 'samples/a.json',
        body: '[1]',
        expected: { kind: 'subset', value: { predictions: [1] }, source: 'samples/a.expected.json' }
      },
      { file: 'samples/b.json', body: '[2]' }
    ]);
    expect(config!.requests).toBe(2);
  });

  it('reads expected-response as a status, inline JSON or a file', () => {
    const root = workspace({ 's.json': '{}', 'expected.json': '{"label": "cat"}' });
    const expected = (value: string) =>
      load(root, { 'sample-request': 's.json', 'expected-response': value }).config!.expected;
    expect(expected('status: 200')).toEqual({
      kind: 'status',
      status: 200,
      source: "input 'expected-response'"
    });
    expect(expected('{"predictions": [2.5]}')).toEqual({
      kind: 'subset',
      value: { predictions: [2.5] },
      source: "input 'expected-response'"
    });
    expect(expected('expected.json')).toEqual({
      kind: 'subset',
      value: { label: 'cat' },
      source: 'expected.json'
    });
  });

  it('points at the line and column of a sample that is not JSON', () => {
    const root = workspace({ 'samples/bad.json': '{\n  "data": [[1, 2, 3]],\n}\n' });
    const { config, problems } = load(root, { 'sample-request': 'samples/bad.json' });
    expect(config).toBeUndefined();
    expect(problems).toEqual([
      expect.objectContaining({
        input: 'sample-request',
        file: 'samples/bad.json',
        line: 3,
        column: 1,
        message: expect.stringMatching(/^is not valid JSON \(\w+\)/)
      })
    ]);
  });

  it('reports every invalid value at once', () => {
    const root = workspace({ 's.json': '{}' });
    const { config, problems } = load(root, {
      'sample-request': 's.json',
      'health-requests': '1000',
      'health-concurrency': '0',
      'latency-budget-ms': 'fast',
      'target-rps': '-3',
      'expected-response': 'status: 999'
    });
    expect(config).toBeUndefined();
    expect(problems.map(p => `${p.input}: ${p.message}`)).toEqual([
      "health-requests: '1000' is not a whole number from 1 to 100.",
      "health-concurrency: '0' is not a whole number from 1 to 20.",
      "latency-budget-ms: 'fast' is not a positive number.",
      "target-rps: '-3' is not a positive number.",
      "expected-response: '999' is not an HTTP status code (100–599)."
    ]);
  });

  it('refuses gate settings without samples, a missing file and an empty folder', () => {
    const root = workspace({ 'empty/.keep': '' });
    expect(load(root, { 'target-rps': '20' }).problems).toEqual([
      expect.objectContaining({
        input: 'target-rps',
        message: expect.stringContaining("'sample-request' is empty")
      })
    ]);
    expect(load(root, { 'sample-request': 'missing.json' }).problems).toEqual([
      expect.objectContaining({
        input: 'sample-request',
        message: "file 'missing.json' does not exist in the workspace."
      })
    ]);
    expect(load(root, { 'sample-request': 'empty' }).problems).toEqual([
      expect.objectContaining({
        input: 'sample-request',
        message: "folder 'empty' holds no .json sample request."
      })
    ]);
    expect(load(root, { 'sample-request': '..' }).problems).toEqual([
      expect.objectContaining({ input: 'sample-request', message: "'..' is outside the workspace." })
    ]);
  });
});
