import { RANK, type Evidence, type Finding, type FindingLocation } from '../run/finding.js';
import type { StageName } from '../run/stage.js';
import type { DiagnosisEnv } from './diagnosis-env.js';
import type { FailureFacts } from './failure-facts.js';

/** What an entry says about a failure it recognised; the catalogue adds stage, severity and rank. */
export interface Explanation {
  title: string;
  cause: string;
  fix: string;
  evidence: Evidence[];
  location?: FindingLocation;
  /** Defaults to RANK.rootCauseAtLine with a line, RANK.rootCause without. */
  rank?: number;
}

/**
 * One class of failure: how it is recognised, where it happens, and how it is explained. Entries are pure
 * (the evidence was gathered before, into {@link DiagnosisEnv}), so each is tested on recorded errors alone.
 */
export interface CatalogueEntry {
  /** Stable id, used as the finding's id (`image-build-failure`). */
  id: string;
  /** The stages it belongs to; `any` for Azure-wide errors (authorization, quota, not found). */
  stages: readonly StageName[] | 'any';
  /** How it is recognised, in words: ARM/ML codes, HTTP status, log patterns, provisioning state. */
  recognisedBy: string;
  /** An explanation when the failure is of this class; undefined otherwise. */
  explain(facts: FailureFacts, env: DiagnosisEnv): Explanation | undefined;
}

/** A finding from an explanation (diagnose-failure.ts redacts it before it is added). */
export function toFinding(id: string, stage: StageName, explanation: Explanation): Finding {
  const rank = explanation.rank ?? (explanation.location?.line ? RANK.rootCauseAtLine : RANK.rootCause);
  return {
    id,
    stage,
    severity: 'error',
    title: explanation.title,
    cause: explanation.cause,
    fix: explanation.fix,
    evidence: explanation.evidence,
    ...(explanation.location ? { location: explanation.location } : {}),
    rank
  };
}
