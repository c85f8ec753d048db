import type { Outputs } from '../contract/outputs.js';
import type { InfraResult } from './infra-result.js';
import { publicOutputsJson } from './template-outputs.js';

/** The declared step outputs of the infra stage; empty when it did not run. */
export function infraOutputs(infra: InfraResult | undefined): Outputs {
  if (!infra) return {};
  const changes = infra.changes;
  const changed = changes
    ? ['Create', 'Modify', 'Delete'].some(type => (changes.counts[type] ?? 0) > 0)
    : undefined;
  return {
    'template-outputs': publicOutputsJson(infra.outputs),
    'key-vaults': JSON.stringify(
      infra.vaults.map(vault => ({
        name: vault.name,
        resourceId: vault.resourceId,
        stateFound: vault.stateFound,
        action: vault.action,
        policiesBefore: vault.policiesBefore,
        policiesKept: vault.policiesKept,
        policiesAdded: vault.policiesAdded,
        policiesRestored: vault.policiesRestored
      }))
    ),
    'changes-detected': changed === undefined ? '' : String(changed)
  };
}
