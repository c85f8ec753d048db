import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { standInSecretsIn } from '../emulator/secret-shapes.js';
import { readActionManifest } from './action-manifest.js';
import { canaryLeaksIn } from './secret-canaries.js';

/**
 * Runs `node dist/index.js` the way the GitHub runner does: inputs as INPUT_<NAME> variables (upper-case,
 * hyphens kept) with action.yml's defaults applied, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, a workspace
 * folder, GITHUB_ACTIONS=true. What tests, the demo and benchmarks exercise is exactly what users run.
 */
export interface ActionRunOptions {
  inputs: Record<string, string>;
  /** Extra environment (NODE_EXTRA_CA_CERTS, ACTIONS_ID_TOKEN_REQUEST_URL, …). */
  env?: Record<string, string>;
  workspace?: string;
  /** Kill the action after this long (a safety net; the action has its own deadline). */
  killAfterMs?: number;
  /** Called with the child process once started, e.g. to send SIGINT. */
  onStart?: (child: import('node:child_process').ChildProcess) => void;
  /**
   * The GitHub stand-in's request record, when the run talks to one: the bodies the run sends (PR comment,
   * check run, deployment status) are checked for secrets like everything else it shows.
   */
  gitHubRequests?: ReadonlyArray<{ body?: unknown }>;
}

export interface ActionRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  durationMs: number;
  /** `::error …::message` and `::warning …::message` lines, parsed. */
  annotations: WorkflowAnnotation[];
  /** Values registered with `::add-mask::`. */
  masks: string[];
  /** Every name written to GITHUB_OUTPUT, in order, repeats included (`outputs` keeps the last value). */
  outputWrites: string[];
  /** Every string in the bodies of the requests the run sent to the GitHub stand-in (see gitHubRequests). */
  gitHubTexts: string[];
  /** stdout as the runner shows it: `::add-mask::` lines consumed and masked values replaced by `***`. */
  visibleLog: string;
}

export interface WorkflowAnnotation {
  level: 'error' | 'warning' | 'notice';
  properties: Record<string, string>;
  message: string;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function runAction(options: ActionRunOptions): Promise<ActionRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'action-run-'));
  const outputFile = join(scratch, 'output.txt');
  const summaryFile = join(scratch, 'summary.md');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? scratch,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: options.workspace ?? scratch,
    RUNNER_TEMP: scratch,
    ...inputVariables(options.inputs),
    ...options.env
  };
  const gitHubRequestsBefore = options.gitHubRequests?.length ?? 0;
  const started = Date.now();
  const child = spawn(process.execPath, [actionEntryPoint()], { env, cwd: env.GITHUB_WORKSPACE });
  options.onStart?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', chunk => (stdout += chunk));
  child.stderr.on('data', chunk => (stderr += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 300_000);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(resolve =>
    child.on('close', (code, sig) => resolve([code, sig]))
  );
  clearTimeout(killer);
  const outputText = readFileSync(outputFile, 'utf8');
  const run: ActionRun = {
    exitCode,
    signal,
    stdout,
    stderr,
    outputs: parseOutputFile(outputText),
    outputWrites: [...outputText.matchAll(/^([^<=\n]+)<<.+$/gm)].map(match => match[1]!),
    gitHubTexts: (options.gitHubRequests?.slice(gitHubRequestsBefore) ?? []).flatMap(request =>
      stringsIn(request.body)
    ),
    summary: readFileSync(summaryFile, 'utf8'),
    durationMs: Date.now() - started,
    annotations: parseAnnotations(stdout),
    ...maskLikeTheRunner(stdout)
  };
  refuseLeakedSecrets(run);
  return run;
}

/**
 * The bundle the tests run: `dist/index.js`, or another build named by ACTION_DIST (a folder), so that work in
 * progress can be bundled and tested without touching the committed `dist/`.
 */
export function actionEntryPoint(): string {
  return join(process.env.ACTION_DIST ?? join(ROOT, 'dist'), 'index.js');
}

/**
 * Every run of every test is checked for the secrets the stand-in hands out (endpoint keys and tokens, Entra and
 * GitHub tokens, the storage key) and for the securestring canaries tests pass (secret-canaries.ts), these in
 * every escaped and encoded form, in pieces and, for the short one, as a word: one in the visible log, stderr,
 * the summary, an output, an annotation or a body sent to GitHub fails the test that ran it, whatever that
 * test was about — a leak in a rare path is still a leak.
 */
function refuseLeakedSecrets(run: ActionRun): void {
  const places: Array<[string, string]> = [
    ['the visible log', run.visibleLog],
    ['stderr', run.stderr],
    ['the job summary', run.summary],
    ...Object.entries(run.outputs).map(([name, value]): [string, string] => [`output '${name}'`, value]),
    ...visibleAnnotations(run).map((text, index): [string, string] => [`annotation ${index + 1}`, text]),
    ...run.gitHubTexts.map((text, index): [string, string] => [`GitHub request text ${index + 1}`, text])
  ];
  const leaks = [
    ...standInSecretsIn(places.map(([, text]) => text).join('\n')),
    ...places.flatMap(([place, text]) => canaryLeaksIn(text).map(leak => `${leak} in ${place}`))
  ];
  if (leaks.length > 0)
    throw new Error(`The action run showed ${leaks.join(', ')} (not masked or redacted).`);
}

/** Annotation titles and messages as the runner shows them: unescaped, then masked. */
function visibleAnnotations(run: ActionRun): string[] {
  const mask = (text: string) => run.masks.reduce((masked, secret) => masked.split(secret).join('***'), text);
  return run.annotations.map(annotation =>
    mask([annotation.properties.title ?? '', annotation.message].join('\n'))
  );
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

/** The runner never prints `::add-mask::` lines, and replaces every registered value in later output. */
export function maskLikeTheRunner(stdout: string): { masks: string[]; visibleLog: string } {
  const masks: string[] = [];
  const visible: string[] = [];
  for (const line of stdout.split('\n')) {
    const mask = /^::add-mask::(.*)$/.exec(line);
    if (mask) {
      // The value is escaped like any command data (% as %25, line breaks as %0D/%0A).
      if (mask[1]) masks.push(unescapeData(mask[1]));
      continue;
    }
    visible.push(masks.reduce((text, secret) => text.split(secret).join('***'), line));
  }
  return { masks, visibleLog: visible.join('\n') };
}

/** action.yml defaults first, then the given inputs, as INPUT_<NAME> (the runner keeps hyphens). */
export function inputVariables(inputs: Record<string, string>): Record<string, string> {
  const manifest = readActionManifest();
  const variables: Record<string, string> = {};
  for (const [name, spec] of Object.entries(manifest.inputs)) {
    if (spec.default !== undefined) variables[`INPUT_${name.toUpperCase()}`] = String(spec.default);
  }
  for (const [name, value] of Object.entries(inputs)) variables[`INPUT_${name.toUpperCase()}`] = value;
  return variables;
}

/** GITHUB_OUTPUT holds `name<<DELIMITER\nvalue\nDELIMITER` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!match) continue;
    const [, name, delimiter] = match;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
    outputs[name!] = value.join('\n');
  }
  return outputs;
}

export function parseAnnotations(stdout: string): WorkflowAnnotation[] {
  const annotations: WorkflowAnnotation[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^::(error|warning|notice)( [^:]*)?::(.*)$/.exec(line);
    if (!match) continue;
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? '').trim().split(',').filter(Boolean)) {
      const [key, ...value] = pair.split('=');
      properties[key!] = unescapeProperty(value.join('='));
    }
    annotations.push({
      level: match[1] as WorkflowAnnotation['level'],
      properties,
      message: unescapeData(match[3]!)
    });
  }
  return annotations;
}

function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function unescapeProperty(text: string): string {
  return unescapeData(text).replace(/%3A/g, ':').replace(/%2C/g, ',');
}
