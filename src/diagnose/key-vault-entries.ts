import type { CatalogueEntry, Explanation } from './explanation.js';
import type { DiagnosisEnv } from './diagnosis-env.js';
import { codesOf, messagesOf, type FailureFacts } from './failure-facts.js';
import { resourceLocation } from './template-entries.js';

/** The vault's name: the failed resource's, else the one Key Vault's messages quote. */
function vaultName(facts: FailureFacts): string {
  if (facts.resource) return facts.resource.name;
  const quoted = messagesOf(facts)
    .map(message => /(?:vault name|Key Vault) '([^']+)'/i.exec(message)?.[1])
    .find(Boolean);
  return quoted ?? 'the vault';
}

function matching(facts: FailureFacts, codes: readonly string[], pattern: RegExp): string | undefined {
  const hasCode = codesOf(facts).some(code => codes.some(c => c.toLowerCase() === code.toLowerCase()));
  if (!hasCode) return undefined;
  return messagesOf(facts).find(message => pattern.test(message));
}

function explanation(
  facts: FailureFacts,
  env: DiagnosisEnv,
  parts: Omit<Explanation, 'evidence' | 'location'> & { message: string }
): Explanation {
  const location = resourceLocation(facts, env);
  return {
    title: parts.title,
    cause: parts.cause,
    fix: parts.fix,
    evidence: [
      { title: 'Key Vault error', text: `${facts.code ?? ''}: ${parts.message}`.replace(/^: /, '') }
    ],
    ...(location ? { location } : {})
  };
}

const softDeleted: CatalogueEntry = {
  id: 'key-vault-soft-deleted',
  stages: 'any',
  recognisedBy:
    "Key Vault ConflictError 'already exists in deleted state' (a create over a soft-deleted vault's name)",
  explain(facts, env) {
    const message = matching(facts, ['ConflictError', 'Conflict'], /exists in deleted state/i);
    if (!message) return undefined;
    const name = vaultName(facts);
    return explanation(facts, env, {
      message,
      title: 'Key Vault name held by a soft-deleted vault',
      cause: `Key Vault '${name}' was deleted and is held in soft-deleted state; its name stays taken until it is recovered or purged, so the template could not create it.`,
      fix: `Recover it with its keys, secrets and access policies: run with 'deleted-vault: recover' (and 'key-vault-policy: preserve'), or \`az keyvault recover --name ${name}\`. Or purge it for good (its contents are lost; impossible with purge protection): \`az keyvault purge --name ${name}\`.`
    });
  }
};

const nameTaken: CatalogueEntry = {
  id: 'key-vault-name-taken',
  stages: 'any',
  recognisedBy:
    'Key Vault code VaultAlreadyExists (the global name belongs to another vault, maybe soft-deleted)',
  explain(facts, env) {
    const message = matching(facts, ['VaultAlreadyExists'], /./);
    if (!message) return undefined;
    const name = vaultName(facts);
    return explanation(facts, env, {
      message,
      title: 'Key Vault name already taken',
      cause: `The name '${name}' belongs to another Key Vault: vault names are unique across all of Azure, and a soft-deleted vault keeps its name.`,
      fix: `Check \`az keyvault list-deleted --query "[?name=='${name}']"\`: recover or purge it if it is yours; otherwise choose another name (e.g. with uniqueString(resourceGroup().id)).`
    });
  }
};

const protectionFlags: CatalogueEntry = {
  id: 'key-vault-purge-protection',
  stages: 'any',
  recognisedBy:
    "Key Vault BadRequest 'enablePurgeProtection cannot be set to false' / 'enableSoftDelete … only for creating new vault', or MethodNotAllowed on DeletedVaultPurge",
  explain(facts, env) {
    const flag = matching(
      facts,
      ['BadRequest'],
      /"?(enablePurgeProtection|enableSoftDelete)"? (cannot|can) be set to false/i
    );
    const purge = matching(facts, ['MethodNotAllowed'], /DeletedVaultPurge/i);
    const message = flag ?? purge;
    if (!message) return undefined;
    const name = vaultName(facts);
    return explanation(facts, env, {
      message,
      title: flag ? 'Key Vault protection cannot be turned off' : 'Key Vault cannot be purged',
      cause: flag
        ? `The template turns off soft delete or purge protection on Key Vault '${name}', which has them on; both are irreversible and Azure refuses the write.`
        : `Key Vault '${name}' has purge protection: it cannot be purged before its retention period ends.`,
      fix: flag
        ? "Remove 'enablePurgeProtection: false' / 'enableSoftDelete: false' from the vault's properties (or run with 'key-vault-policy: preserve', which leaves them out for vaults that have them on)."
        : `Recover the vault instead ('deleted-vault: recover' or \`az keyvault recover --name ${name}\`), or give the template another vault name.`
    });
  }
};

const concurrentWrite: CatalogueEntry = {
  id: 'key-vault-concurrent-write',
  stages: 'any',
  recognisedBy: "Key Vault ConflictError 'changed from the point the operation began' (parallel writes)",
  explain(facts, env) {
    const message = matching(
      facts,
      ['ConflictError', 'Conflict'],
      /changed from the point the operation began|parallel operations/i
    );
    if (!message) return undefined;
    const name = vaultName(facts);
    return explanation(facts, env, {
      message,
      title: 'Key Vault changed by another writer',
      cause: `Another writer (another run, a person, a policy) changed Key Vault '${name}' while this deployment wrote it; Key Vault serialises writes and refused this one.`,
      fix: "Run again: the action reads the vault afresh and keeps every access policy. Use a workflow 'concurrency' group so two deployments of this template do not overlap."
    });
  }
};

/** Key Vault conflicts the guard cannot prevent (or that happen with 'key-vault-policy: off'). */
export const keyVaultEntries: readonly CatalogueEntry[] = [
  softDeleted,
  nameTaken,
  protectionFlags,
  concurrentWrite
];
