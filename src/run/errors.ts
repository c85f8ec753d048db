/**
 * The two kinds of failure a user meets, kept apart because they call for different actions:
 * a ConfigurationError is the user's to fix (which input or file, what to change); every other error is
 * Azure's or ours to explain (what happened, which operation, which ids to quote to support).
 */

/** One thing wrong with the user's inputs or files. */
export interface ConfigurationProblem {
  /** The action input at fault, e.g. `subscription-id`. */
  input?: string;
  /** A file at fault, relative to the workspace. */
  file?: string;
  line?: number;
  column?: number;
  /** What is wrong, in one sentence. */
  message: string;
  /** What to change. */
  fix?: string;
}

/** Formats a problem as one line: `input 'x': message. fix` or `file:line:col: message. fix`. */
export function describeProblem(problem: ConfigurationProblem): string {
  const where: string[] = [];
  if (problem.input) where.push(`input '${problem.input}'`);
  if (problem.file) {
    const position = [problem.line, problem.column].filter(n => n !== undefined).join(':');
    where.push(position ? `${problem.file}:${position}` : problem.file);
  }
  const prefix = where.length > 0 ? `${where.join(', ')}: ` : '';
  return `${prefix}${problem.message}${problem.fix ? ` ${problem.fix}` : ''}`;
}

/** The user's mistake. Carries every problem found, so one run reports them all. */
export class ConfigurationError extends Error {
  readonly problems: readonly ConfigurationProblem[];
  /**
   * The endpoint the valid part of the configuration names (input or `az ml` file), so that the PR comment and
   * check run keep their name when another input is wrong.
   */
  readonly endpointName: string | undefined;

  constructor(problems: ConfigurationProblem[], named: { endpointName?: string } = {}) {
    const count = problems.length;
    super(
      count === 1
        ? `Invalid configuration: ${describeProblem(problems[0]!)}`
        : `Invalid configuration (${count} problems):\n${problems.map(p => `  - ${describeProblem(p)}`).join('\n')}`
    );
    this.name = 'ConfigurationError';
    this.problems = problems;
    this.endpointName = named.endpointName;
  }
}

/** Collects problems while a whole configuration is checked, then throws them together. */
export class ProblemList {
  private readonly problems: ConfigurationProblem[] = [];

  add(problem: ConfigurationProblem): void {
    this.problems.push(problem);
  }

  get isEmpty(): boolean {
    return this.problems.length === 0;
  }

  /** Throws one ConfigurationError holding every problem collected, if there is any. */
  throwIfAny(named: { endpointName?: string } = {}): void {
    if (!this.isEmpty) throw new ConfigurationError([...this.problems], named);
  }
}
