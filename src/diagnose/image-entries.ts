import { BUILD_FAILURE_LINE, buildFailure, buildLogLocation, lineOfPackage } from './build-log.js';
import type { CatalogueEntry, Explanation } from './explanation.js';
import type { DiagnosisEnv } from './diagnosis-env.js';
import { findCode, messagesOf, type FailureFacts } from './failure-facts.js';
import type { Evidence, FindingLocation } from '../run/finding.js';
import { highlightedTail } from '../scoring-script/log-excerpt.js';

const IMAGE_STAGES = ['environment', 'deployment'] as const;

/** Docker registry refusals, in a build log or an error: the workspace's registry credentials are stale. */
const REGISTRY_REFUSAL =
  /unauthorized: authentication required|denied: requested access to the resource is denied|pull access denied|unauthorized: (?:Invalid|incorrect) (?:username|password)|(?:registry|ACR)[^\n]*(?:unauthorized|credentials (?:are )?(?:invalid|expired))/i;

/** A workspace that lost its own Key Vault access policy: what image builds and secret reads report. */
const VAULT_ACCESS_LOST =
  /does not have (?:secrets|keys|certificates) \w+ permission on key vault '([^';]+)|Key ?Vault[^\n]*(?:Forbidden|AccessDenied|access denied)/i;

function buildLogEvidence(env: DiagnosisEnv): Evidence[] {
  if (!env.buildLog) return [];
  return [
    {
      title: `Image build log, last lines (${env.buildLog.source}); failing lines marked >>`,
      text: highlightedTail(env.buildLog.text, BUILD_FAILURE_LINE)
    }
  ];
}

function whereToRead(facts: FailureFacts): string {
  const location =
    buildLogLocation(facts.message) ?? facts.details.map(d => buildLogLocation(d.message)).find(Boolean);
  return location
    ? `the build log is in storage account '${location.account}', container '${location.container}', blob '${location.blob}'`
    : 'the build log is in the workspace storage (ImageLogs)';
}

const registryAuthorization: CatalogueEntry = {
  id: 'registry-authorization',
  stages: IMAGE_STAGES,
  recognisedBy:
    "ImageBuildFailure whose build log (or any error) shows a registry refusal: 'unauthorized: authentication required', 'denied: requested access…', 'pull access denied'",
  explain(facts, env) {
    const texts = [...messagesOf(facts), env.buildLog?.text ?? ''];
    const line = texts
      .join('\n')
      .split('\n')
      .find(text => REGISTRY_REFUSAL.test(text));
    if (!line) return undefined;
    const ws = env.workspace ?? '<workspace>';
    const rg = env.resourceGroup ?? '<resource-group>';
    return {
      title: 'Container registry refused the workspace',
      cause: `The workspace's container registry refused to push or pull the image (${line.trim()}): the registry credentials the workspace keeps are out of sync with the registry (its admin keys were regenerated, or the registry was replaced by a redeploy).`,
      fix: `Resynchronise the workspace's keys: \`az ml workspace sync-keys --name ${ws} --resource-group ${rg}\` (the resyncKeys API), wait a few minutes, then run again. If the image is in another registry, give the workspace identity AcrPull on it.`,
      evidence: buildLogEvidence(env)
    };
  }
};

const vaultAccessLost: CatalogueEntry = {
  id: 'workspace-key-vault-access-lost',
  stages: ['environment', 'deployment', 'model', 'code', 'endpoint'],
  recognisedBy:
    "a message or build log saying the workspace lacks 'secrets get' (or keys) permission on its Key Vault, or a Key Vault Forbidden",
  explain(facts, env) {
    const texts = [...messagesOf(facts), env.buildLog?.text ?? ''].join('\n');
    const match = VAULT_ACCESS_LOST.exec(texts);
    if (!match) return undefined;
    const vault = match[1] ? `'${match[1]}'` : 'its Key Vault';
    return {
      title: 'Workspace lost access to its Key Vault',
      cause: `The workspace can no longer read ${vault}: its own access policy is gone, typically because a template redeployed the vault with an 'accessPolicies' list that did not include the workspace (a Key Vault PUT replaces the whole list). Image builds and secret reads fail from then on.`,
      fix: "Give the workspace's managed identity its access back (`az keyvault set-policy --name <vault> --object-id <workspace principal id> --secret-permissions get list set delete --key-permissions get list create`), and deploy the template with this action's 'key-vault-policy: preserve' so a redeploy keeps existing policies.",
      evidence: [{ title: 'Azure error', text: match[0] }, ...buildLogEvidence(env)]
    };
  }
};

const imageBuild: CatalogueEntry = {
  id: 'image-build-failure',
  stages: IMAGE_STAGES,
  recognisedBy:
    "ML code ImageBuildFailure (the deployment's operation status); the build log is read from the storage path the message names",
  explain(facts, env): Explanation | undefined {
    if (!findCode(facts, ['ImageBuildFailure'])) return undefined;
    const failure = env.buildLog ? buildFailure(env.buildLog.text) : undefined;
    const packages = failure?.packages ?? [];
    const location = packageLocation(packages, env);
    const missing =
      packages.length > 0
        ? `${failure!.tool} could not find ${packages.map(p => `'${p}'`).join(', ')} on its channels or package index`
        : (failure?.errorLine ?? 'the image build failed');
    const step = failure?.step ? ` in ${describeStep(failure.step)}` : '';
    return {
      title: 'Environment image build failed',
      cause: `Azure could not build the environment's image${step}: ${missing}.${env.buildLog ? '' : ` The build log could not be read here; ${whereToRead(facts)}.`}`,
      fix:
        packages.length > 0
          ? `Fix the package spec in ${env.condaFile?.displayPath ?? 'the conda file'} (name, version, channel: conda packages under 'dependencies', PyPI ones under 'pip'), check it locally with \`conda env create -f ${env.condaFile?.displayPath ?? 'conda.yml'}\`, then run again.`
          : `Read the build log's failing step; check the conda file and base image build locally (\`conda env create -f ${env.condaFile?.displayPath ?? 'conda.yml'}\`), then run again.`,
      evidence: buildLogEvidence(env),
      ...(location ? { location } : {})
    };
  }
};

/** `Step 3/7 : RUN conda env create -p … -f …` → `step 3/7 (RUN conda env create …)`: the options are noise. */
function describeStep(step: string): string {
  const match = /^Step (\d+\/\d+) : (.*)$/.exec(step);
  if (!match) return step;
  const words = match[2]!.split(/\s+/);
  const firstOption = words.findIndex(word => word.startsWith('-'));
  const shown = firstOption < 0 ? words : [...words.slice(0, firstOption), '…'];
  return `step ${match[1]} (${shown.join(' ')})`;
}

function packageLocation(packages: string[], env: DiagnosisEnv): FindingLocation | undefined {
  if (!env.condaFile) return undefined;
  for (const pkg of packages) {
    const line = lineOfPackage(env.condaFile.text, pkg);
    if (line) return { file: env.condaFile.displayPath, line };
  }
  return { file: env.condaFile.displayPath };
}

/** Image builds: registry credentials, the workspace's vault access, and the build's own failure. */
export const imageEntries: readonly CatalogueEntry[] = [registryAuthorization, vaultAccessLost, imageBuild];
