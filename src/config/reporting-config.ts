import type { RawInputs } from '../contract/inputs.js';
import type { ConfigurationProblem } from '../run/errors.js';
import { parseBoolean } from './choices.js';

/** Where the report goes besides the job summary and annotations: the pull request and GitHub's records. */
export interface ReportingConfig {
  /**
   * `github-token` (default: the workflow token): with it, a pull request gets a sticky comment and a check run,
   * and a model deployment gets a GitHub deployment record. Absent: none of them.
   */
  githubToken?: string;
  /** `pr-comment`: false keeps the check run and deployment record but writes no PR comment. */
  prComment: boolean;
}

/**
 * Reads `github-token` and `pr-comment`. The report layer reads these again when the rest of the configuration
 * is invalid, so that a configuration error still reaches the pull request; an invalid `pr-comment` is then
 * taken as its default (the problem itself is reported with the others).
 */
export function loadReportingConfig(
  inputs: Pick<RawInputs, 'github-token' | 'pr-comment'>,
  report: (problem: ConfigurationProblem) => void = () => {}
): ReportingConfig {
  const prComment = parseBoolean('pr-comment', inputs['pr-comment'] || 'true');
  if (prComment.problem) report(prComment.problem);
  const token = inputs['github-token'] ?? '';
  // Outside a runner (a local `node dist/index.js`, a test harness applying action.yml's defaults) the default
  // `${{ github.token }}` arrives unexpanded: there is no token then.
  const expanded = token !== '' && !/^\$\{\{.*\}\}$/.test(token);
  return { ...(expanded ? { githubToken: token } : {}), prComment: prComment.value ?? true };
}
