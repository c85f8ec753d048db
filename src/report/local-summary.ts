import type { LocalRunResult } from '../local/local-result.js';
import type { StageResults } from '../stages/run-context.js';

const SERVER: Record<LocalRunResult['server'], string> = {
  builtin: 'built-in inference server',
  azmlinfsrv: 'azmlinfsrv (azureml-inference-server-http)'
};

/** What ran on the runner: the preflight before the upload, or the whole deployment with `target: local`. */
export function renderLocalSummary(results: Pick<StageResults, 'preflight' | 'local'>): string[] {
  const lines: string[] = [];
  if (results.preflight) lines.push(...section('Preflight on the runner', results.preflight));
  if (results.local) lines.push(...section('Local deployment on the runner', results.local));
  return lines;
}

function section(heading: string, run: LocalRunResult): string[] {
  const rows: [string, string][] = [
    ['Scoring script', `\`${run.scoringScript}\``],
    ['Model (`AZUREML_MODEL_DIR`)', `\`${run.model}\``],
    ['Server', SERVER[run.server]],
    ['init()', initCell(run)]
  ];
  if (run.sample)
    rows.push([
      'Sample request',
      `\`${run.sample.file}\` → ${run.sample.status || 'no answer'} in ${run.sample.latencyMs} ms`
    ]);
  return [`### ${heading}`, '', '| | |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`), ''];
}

function initCell(run: LocalRunResult): string {
  if (run.state === 'ready') return `✅ succeeded in ${run.initMs} ms`;
  if (run.state === 'skipped')
    return '⚠️ could not run on the runner: a package or a GPU is missing (see the findings)';
  return '❌ failed (see the findings)';
}
