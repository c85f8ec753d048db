import type { ActionRun } from '../../../harness/run-action.js';
import { CANARIES, canaryLeaksIn } from '../../../harness/secret-canaries.js';

export { CANARIES, canaryLeaksIn };

/**
 * The securestring canary every reliability run passes as `adminPassword` (through the parameters file or
 * inline). It must be registered as a mask and never be visible anywhere a user or a log reader sees. The
 * harness (run-action.ts) also looks for its escaped, encoded and cut forms in every run.
 */
export const CANARY = CANARIES.file;

/**
 * Everything a run shows to a person: the masked log, stderr, the job summary, every step output, the
 * annotations and what was sent to GitHub.
 */
export function visibleText(run: ActionRun): string {
  return [
    run.visibleLog,
    run.stderr,
    run.summary,
    JSON.stringify(run.outputs),
    ...run.annotations.map(annotation => maskedLikeTheRunner(run, annotation.message)),
    ...run.gitHubTexts
  ].join('\n');
}

function maskedLikeTheRunner(run: ActionRun, text: string): string {
  return run.masks.reduce((masked, secret) => masked.split(secret).join('***'), text);
}

/**
 * Collects runs across a test file so `afterAll` can check the canary in every one of them, whatever each test
 * was about (faults, refusals, retries) — a leak in a rare path is still a leak.
 */
export class CanaryWatch {
  readonly #runs: { label: string; run: ActionRun; expectMask: boolean }[] = [];

  /** Records a run; `expectMask` when the run got far enough to load the parameters. */
  watch(label: string, run: ActionRun, expectMask: boolean): ActionRun {
    this.#runs.push({ label, run, expectMask });
    return run;
  }

  get count(): number {
    return this.#runs.length;
  }

  /** Labels of runs that leak the canary (in any form) or did not register it as a mask when they should have. */
  violations(): string[] {
    const found: string[] = [];
    for (const { label, run, expectMask } of this.#runs) {
      for (const leak of canaryLeaksIn(visibleText(run))) found.push(`${label}: ${leak} visible`);
      if (expectMask && !run.masks.includes(CANARY)) found.push(`${label}: canary not registered as a mask`);
    }
    return found;
  }
}
