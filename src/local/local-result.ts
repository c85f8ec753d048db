import type { LocalRunSpec } from './scoring-script-run.js';
import { scriptDisplayPath } from './script-findings.js';

/** What a run of the scoring script on the runner (preflight, or `target: local`) did, for the summary. */
export interface LocalRunResult {
  /** `builtin` or `azmlinfsrv`. */
  server: 'builtin' | 'azmlinfsrv';
  /** Repository paths, as the user knows them. */
  scoringScript: string;
  model: string;
  /** How long import + init() took, until the server answered its liveness probe. */
  initMs?: number;
  /**
   * `ready`: init() succeeded. `failed`: the script failed (the findings say where). `skipped`: init() could
   * not run because the runner lacks a package the script imports, or a GPU (preflight only: a warning).
   */
  state: 'ready' | 'failed' | 'skipped';
  /** The one sample request preflight sends, when `sample-request` gives one. */
  sample?: { file: string; status: number; latencyMs: number };
}

/** The result of a run about to start: `failed` until init() answers, so a crash leaves it right. */
export function startingLocalRun(spec: LocalRunSpec): LocalRunResult {
  return {
    server: spec.server.kind,
    scoringScript: scriptDisplayPath(spec.files),
    model: spec.model.displayPath,
    state: 'failed'
  };
}
