import { accessEntries } from './access-entries.js';
import { containerEntries } from './container-entries.js';
import type { FailureFacts } from './failure-facts.js';
import type { Finding } from '../run/finding.js';
import { toFinding, type CatalogueEntry } from './explanation.js';
import { genericEntries } from './generic-entries.js';
import type { DiagnosisEnv } from './diagnosis-env.js';
import { imageEntries } from './image-entries.js';
import { keyVaultEntries } from './key-vault-entries.js';
import { templateEntries } from './template-entries.js';
import { unknownFailure } from './unknown-failure.js';

/**
 * Every entry, most specific first: the first that recognises a failure explains it. Image build logs
 * naming a registry are a registry problem before they are a build problem; a Key Vault conflict before a
 * generic failed resource; the container's own traceback before the generic crash-loop codes.
 */
export const CATALOGUE: readonly CatalogueEntry[] = [
  ...keyVaultEntries,
  ...accessEntries,
  ...imageEntries,
  ...containerEntries,
  ...templateEntries,
  ...genericEntries
];

/** The catalogue's explanation of one failure as a finding, or the unknown-failure finding. */
export function explainFailure(
  facts: FailureFacts,
  env: DiagnosisEnv,
  catalogue: readonly CatalogueEntry[] = CATALOGUE
): Finding {
  for (const entry of catalogue) {
    if (entry.stages !== 'any' && !entry.stages.includes(facts.stage)) continue;
    const explanation = entry.explain(facts, env);
    if (explanation) return toFinding(entry.id, facts.stage, explanation);
  }
  return toFinding('unknown-failure', facts.stage, unknownFailure(facts, env));
}
