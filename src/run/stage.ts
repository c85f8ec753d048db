import type { Deadline } from './deadline.js';
import type { Findings } from './finding.js';
import type { Log } from './log.js';
import type { Redactor } from './redaction.js';
import type { StageName } from './stage-name.js';

export type { StageName };

/**
 * What every stage gets, whatever it does. Each stage folder adds what it needs on top (typed config, the
 * Azure clients, the results of earlier stages it reads and the result it fills) in a context interface of
 * its own, so a stage depends only on what it declares; src/stages/run-context.ts holds the whole run's.
 */
export interface StageServices {
  deadline: Deadline;
  log: Log;
  /** Explained problems for the summary, the PR comment and the annotations (src/diagnose/). */
  findings: Findings;
  /** Register every secret obtained (keys, tokens) here: it is masked in the log and redacted everywhere else. */
  redactor: Redactor;
}

/** The resource group the run deploys into, as the resource-group stage found or created it. */
export interface ResourceGroupState {
  name: string;
  location: string;
  exists: boolean;
}

/** One step of the pipeline. `run` returns a one-line account of what it did, for the summary. */
export interface Stage<Context extends StageServices = StageServices> {
  name: StageName;
  /** Shown in the log group and the summary, e.g. "Resource group". */
  title: string;
  run(context: Context): Promise<string>;
}
