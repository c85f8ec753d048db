import { readdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { InputName, RawInputs } from '../contract/inputs.js';
import type { ConfigurationProblem } from '../run/errors.js';
import type { RunnerContext } from '../contract/runner-context.js';
import { readWorkspaceFile, type WorkspaceFile } from './workspace-files.js';

/**
 * What a scoring answer must be to count as correct: a status only (`status: 200`), or JSON the response body
 * must contain (a subset match, see src/health/subset-match.ts) with a 2xx status.
 */
export type ResponseExpectation =
  { kind: 'status'; status: number; source: string } | { kind: 'subset'; value: unknown; source: string };

/** One sample request: the JSON body as the user wrote it, and what its answer must be when it says so. */
export interface HealthSample {
  /** Repository path, forward slashes: what reports show. */
  file: string;
  body: string;
  /** From a sibling `<name>.expected.json`; wins over the `expected-response` input. */
  expected?: ResponseExpectation;
}

/** The health gate's configuration; absent when `sample-request` is empty (the gate does not run). */
export interface HealthConfig {
  samples: HealthSample[];
  /** From `expected-response`; without it (and without per-sample files) any 2xx answer is correct. */
  expected?: ResponseExpectation;
  /** `health-requests`: how many requests in all (at least one per sample). */
  requests: number;
  /** `health-concurrency`: how many are in flight at once (the burst probe). */
  concurrency: number;
  /** `latency-budget-ms`: the p95 the answers must stay within. */
  latencyBudgetMs?: number;
  /** `target-rps`: the peak load the deployment must carry, for the capacity advice. */
  targetRps?: number;
}

/** Bounds that keep the gate a smoke test, not a load test: a handful of requests, a small burst. */
export const HEALTH_LIMITS = { maxRequests: 100, maxConcurrency: 20, maxSamples: 100 } as const;

/** As in action.yml; used when an input is empty (tests, or a workflow that sets it to ''). */
export const HEALTH_DEFAULTS = { requests: 5, concurrency: 1 } as const;

/** The inputs that only mean something with `sample-request`. */
const GATE_ONLY_INPUTS = ['expected-response', 'latency-budget-ms', 'target-rps'] as const;

type Report = (problem: ConfigurationProblem) => void;

/**
 * Reads the health gate's inputs and sample files. Undefined when `sample-request` is empty; every problem
 * (input, or file:line:column of a sample that is not JSON) is reported, before anything is sent to Azure.
 */
export function loadHealthConfig(
  inputs: RawInputs,
  runner: RunnerContext,
  report: Report
): HealthConfig | undefined {
  const requests = parseWhole(
    inputs,
    'health-requests',
    HEALTH_DEFAULTS.requests,
    HEALTH_LIMITS.maxRequests,
    report
  );
  const concurrency = parseWhole(
    inputs,
    'health-concurrency',
    HEALTH_DEFAULTS.concurrency,
    HEALTH_LIMITS.maxConcurrency,
    report
  );
  const budget = parsePositive(inputs, 'latency-budget-ms', report);
  const targetRps = parsePositive(inputs, 'target-rps', report);
  if (!inputs['sample-request']) {
    for (const input of GATE_ONLY_INPUTS.filter(name => inputs[name] !== '')) {
      report({
        input,
        message: "is set but 'sample-request' is empty, so no health check would run.",
        fix: "Name a sample request file (or folder) in 'sample-request', or remove this input."
      });
    }
    return undefined;
  }
  const expected = parseExpectation(inputs, runner, report);
  const samples = readSamples(runner, inputs['sample-request'], report);
  if (!samples || requests === undefined || concurrency === undefined || expected === 'invalid')
    return undefined;
  return {
    samples,
    requests: Math.max(requests, samples.length),
    concurrency,
    ...(expected ? { expected } : {}),
    ...(budget !== undefined ? { latencyBudgetMs: budget } : {}),
    ...(targetRps !== undefined ? { targetRps } : {})
  };
}

function parseWhole(
  inputs: RawInputs,
  input: InputName,
  fallback: number,
  max: number,
  report: Report
): number | undefined {
  const value = inputs[input] || String(fallback);
  if (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= max) return Number(value);
  report({ input, message: `'${value}' is not a whole number from 1 to ${max}.` });
  return undefined;
}

function parsePositive(inputs: RawInputs, input: InputName, report: Report): number | undefined {
  const value = inputs[input];
  if (value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value) && Number(value) > 0) return Number(value);
  report({ input, message: `'${value}' is not a positive number.` });
  return undefined;
}

/**
 * `expected-response`: `status: <code>`, inline JSON, or a repository path to a `.json` file holding it.
 */
function parseExpectation(
  inputs: RawInputs,
  runner: RunnerContext,
  report: Report
): ResponseExpectation | 'invalid' | undefined {
  const value = inputs['expected-response'];
  if (value === '') return undefined;
  const status = /^status\s*:\s*(\S+)$/i.exec(value);
  if (status) {
    const code = Number(status[1]);
    if (Number.isInteger(code) && code >= 100 && code <= 599)
      return { kind: 'status', status: code, source: "input 'expected-response'" };
    report({ input: 'expected-response', message: `'${status[1]}' is not an HTTP status code (100–599).` });
    return 'invalid';
  }
  if (/^[[{"\d-]|^(true|false|null)$/.test(value)) {
    const parsed = parseStrictJson(value);
    if (parsed.error === undefined)
      return { kind: 'subset', value: parsed.value, source: "input 'expected-response'" };
    report({
      input: 'expected-response',
      message: `is not valid JSON (${parsed.error} at line ${parsed.line}, column ${parsed.column}).`,
      fix: "Give JSON the answer must contain, 'status: <code>', or the path of a .json file."
    });
    return 'invalid';
  }
  const { file, problem } = readWorkspaceFile(runner.workspace, 'expected-response', value);
  if (problem) report(problem);
  const expectation = file ? expectationFromFile(file, 'expected-response', report) : undefined;
  return expectation ?? 'invalid';
}

function expectationFromFile(
  file: WorkspaceFile,
  input: InputName,
  report: Report
): ResponseExpectation | undefined {
  const parsed = parseStrictJson(file.text);
  if (parsed.error === undefined) return { kind: 'subset', value: parsed.value, source: file.displayPath };
  report({
    input,
    file: file.displayPath,
    line: parsed.line,
    column: parsed.column,
    message: `is not valid JSON (${parsed.error}).`
  });
  return undefined;
}

/**
 * The sample files: one `.json` file, or every `.json` file of a folder (sorted, not recursive) except
 * `<name>.expected.json`, which holds the expected answer of `<name>.json`.
 */
function readSamples(runner: RunnerContext, path: string, report: Report): HealthSample[] | undefined {
  const paths = samplePaths(runner.workspace, path, report);
  if (!paths) return undefined;
  const samples: HealthSample[] = [];
  let failed = false;
  for (const samplePath of paths) {
    const sample = readSample(runner.workspace, samplePath, report);
    if (sample) samples.push(sample);
    else failed = true;
  }
  return failed ? undefined : samples;
}

function samplePaths(workspace: string, path: string, report: Report): string[] | undefined {
  let isDirectory = false;
  try {
    isDirectory = statSync(resolve(workspace, path)).isDirectory();
  } catch {
    // readWorkspaceFile reports a missing path with the input's name.
  }
  if (!isDirectory) return [path];
  const folder = resolve(workspace, path);
  // Like files, a folder must be inside the workspace (symlinks resolved) before it is even listed.
  const inside = relative(realpathSync(workspace), realpathSync(folder));
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    report({
      input: 'sample-request',
      message: `'${path}' is outside the workspace.`,
      fix: 'Name a folder inside the repository.'
    });
    return undefined;
  }
  const names = readdirSync(folder)
    .filter(name => name.endsWith('.json') && !name.endsWith('.expected.json'))
    .sort();
  if (names.length === 0 || names.length > HEALTH_LIMITS.maxSamples) {
    report({
      input: 'sample-request',
      message:
        names.length === 0
          ? `folder '${path}' holds no .json sample request.`
          : `folder '${path}' holds ${names.length} sample requests; at most ${HEALTH_LIMITS.maxSamples} are sent.`,
      fix: 'Put one JSON request body per .json file in the folder.'
    });
    return undefined;
  }
  return names.map(name => relative(workspace, join(folder, name)));
}

function readSample(workspace: string, path: string, report: Report): HealthSample | undefined {
  const { file, problem } = readWorkspaceFile(workspace, 'sample-request', path);
  if (problem) report(problem);
  if (!file) return undefined;
  const parsed = parseStrictJson(file.text);
  if (parsed.error !== undefined) {
    report({
      input: 'sample-request',
      file: file.displayPath,
      line: parsed.line,
      column: parsed.column,
      message: `is not valid JSON (${parsed.error}); the scoring script would receive it as it is.`,
      fix: 'Fix the JSON: sample requests are sent as the request body, which run() parses.'
    });
    return undefined;
  }
  const expectedPath = path.replace(/\.json$/i, '.expected.json');
  let expected: ResponseExpectation | undefined;
  if (expectedPath !== path && isFile(resolve(workspace, expectedPath))) {
    const read = readWorkspaceFile(workspace, 'sample-request', expectedPath);
    if (read.problem) report(read.problem);
    expected = read.file ? expectationFromFile(read.file, 'sample-request', report) : undefined;
    if (!expected) return undefined;
  }
  return { file: file.displayPath, body: file.text, ...(expected ? { expected } : {}) };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

type StrictJson =
  { value: unknown; error?: undefined } | { error: string; line: number; column: number; value?: undefined };

/** Strict JSON (no comments, no trailing commas: the scoring script's json.loads accepts neither), with the position of the first error. */
export function parseStrictJson(text: string): StrictJson {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { disallowComments: true, allowTrailingComma: false });
  const first = errors[0];
  if (!first) return { value };
  const before = text.slice(0, first.offset).split('\n');
  return {
    error: printParseErrorCode(first.error),
    line: before.length,
    column: before[before.length - 1]!.length + 1
  };
}
