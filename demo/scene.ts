import type { Emulator } from '../emulator/index.js';
import type { ActionRun } from '../harness/run-action.js';

/** One scene of the demo: what it shows, and whether the action behaved as a user should expect. */
export interface Scene {
  title: string;
  /** Runs the scene; returns the action runs to keep and the checks that decide pass/fail. */
  play(stage: DemoStage): Promise<SceneResult>;
}

export interface SceneResult {
  runs: ActionRun[];
  /** Each check: what should be true, and whether it was. */
  checks: { expectation: string; ok: boolean; detail?: string }[];
  /** A few lines for the terminal digest. */
  digest: string[];
}

/** What scenes share: the running stand-in, the workspace with the examples, and the inputs to reach Azure. */
export interface DemoStage {
  emulator: Emulator;
  workspace: string;
  azureInputs: Record<string, string>;
  runnerEnv: Record<string, string>;
  /** A secret value the scenes pass as a securestring parameter, to show it is never printed. */
  secret: string;
}
