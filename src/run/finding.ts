import type { AnnotationTarget, Log } from './log.js';
import type { StageName } from './stage-name.js';

/** A piece of evidence shown with a finding: a log tail, a traceback, a directory listing, a formula. */
export interface Evidence {
  /** What it is, e.g. "Image build log (last 40 lines)". */
  title: string;
  text: string;
}

/** Where in the repository a finding points: becomes the annotation's file and line in the pull request. */
export interface FindingLocation {
  /** Path relative to the repository root. */
  file: string;
  line?: number;
  column?: number;
}

/**
 * One explained problem: what happened (cause), the evidence, and what to do (fix). Stages and the failure
 * catalogue (`catalogue.ts`) add findings; the report layer shows them in the summary, the PR comment and as
 * ranked annotations.
 */
export interface Finding {
  /** The catalogue entry that recognised it (`image-build-failure`), or a stage's own id. */
  id: string;
  stage: StageName;
  severity: 'error' | 'warning';
  /** Short, for the annotation title and the summary heading: "Scoring script failed". */
  title: string;
  /** One or two sentences: what happened, in the user's terms. */
  cause: string;
  /** What to do next. */
  fix: string;
  evidence: Evidence[];
  location?: FindingLocation;
  /**
   * Importance for ranking annotations: GitHub shows at most 10 error annotations a step. Higher first;
   * findings that point at a line of the user's code should outrank general ones (see RANK).
   */
  rank: number;
}

/** Ranks used across the catalogue, so that ordering stays consistent. */
export const RANK = {
  /** The root cause, at a line the user can edit (a traceback frame, a template resource). */
  rootCauseAtLine: 100,
  /** The root cause without a line (an Azure error, a missing permission). */
  rootCause: 80,
  /** A consequence of the root cause (a second failed resource, a follow-up error). */
  consequence: 50,
  /** Advice (capacity, protection flags kept). */
  advice: 20
} as const;

/** GitHub shows at most this many error (and as many warning) annotations per step. */
export const ANNOTATION_LIMIT = 10;

/** The findings of one run, in the order they were found. */
export class Findings {
  readonly #items: Finding[] = [];

  add(finding: Finding): Finding {
    this.#items.push(finding);
    return finding;
  }

  get all(): readonly Finding[] {
    return this.#items;
  }

  get errors(): readonly Finding[] {
    return this.#items.filter(finding => finding.severity === 'error');
  }

  /** Most important first; among equals, first found first. */
  ranked(): Finding[] {
    return this.#items
      .map((finding, order) => ({ finding, order }))
      .sort((a, b) => b.finding.rank - a.finding.rank || a.order - b.order)
      .map(({ finding }) => finding);
  }

  /**
   * Prints the findings as workflow annotations, at most {@link ANNOTATION_LIMIT} per severity, most important
   * first; the rest are in the summary. Messages pass through `redact` (log masking covers only the log).
   */
  annotate(log: Log, redact: (text: string) => string): void {
    for (const severity of ['error', 'warning'] as const) {
      const ranked = this.ranked().filter(finding => finding.severity === severity);
      for (const finding of ranked.slice(0, ANNOTATION_LIMIT)) {
        const target: AnnotationTarget = {
          title: redact(finding.title),
          ...(finding.location?.file ? { file: finding.location.file } : {}),
          ...(finding.location?.line ? { startLine: finding.location.line } : {}),
          ...(finding.location?.column ? { startColumn: finding.location.column } : {})
        };
        const message = redact(`${finding.cause}\nFix: ${finding.fix}`);
        if (severity === 'error') log.error(message, target);
        else log.warning(message, target);
      }
      if (ranked.length > ANNOTATION_LIMIT)
        log.info(
          `${ranked.length - ANNOTATION_LIMIT} more ${severity} finding(s) are in the job summary (GitHub shows ${ANNOTATION_LIMIT} annotations per step).`
        );
    }
  }
}

/** A copy of a finding with every text passed through `redact`: findings leave the process (summary, comment). */
export function redactFinding(finding: Finding, redact: (text: string) => string): Finding {
  return {
    ...finding,
    title: redact(finding.title),
    cause: redact(finding.cause),
    fix: redact(finding.fix),
    evidence: finding.evidence.map(evidence => ({
      title: redact(evidence.title),
      text: redact(evidence.text)
    }))
  };
}
