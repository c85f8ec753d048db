import type { CatalogueEntry, Explanation } from './explanation.js';
import type { DiagnosisEnv } from './diagnosis-env.js';
import { findCode, type FailureFacts } from './failure-facts.js';
import type { FindingLocation } from '../run/finding.js';

/** Where a failed resource is declared: the infra stage's located report, else the template walk. */
export function resourceLocation(facts: FailureFacts, env: DiagnosisEnv): FindingLocation | undefined {
  const resource = facts.resource;
  if (!resource) return undefined;
  const reported = env.failedResources?.find(
    failed =>
      failed.file &&
      failed.resourceType.toLowerCase() === resource.type.toLowerCase() &&
      failed.resourceName.toLowerCase() === resource.name.toLowerCase()
  );
  if (reported?.file) return { file: reported.file, ...(reported.line ? { line: reported.line } : {}) };
  return env.template?.locateResource(resource.type, resource.name);
}

/**
 * Names ARM's validation messages mention, most telling first: `template resource 'x'`, resource ids
 * (`…/storageAccounts/x`), `resource 'x'`.
 */
export function resourcesNamed(message: string): { type?: string; name: string }[] {
  const found: { type?: string; name: string }[] = [];
  for (const match of message.matchAll(/template resource '([^']+)'/gi)) found.push({ name: match[1]! });
  for (const match of message.matchAll(/\/providers\/([\w.]+\/[\w/]+?)\/([^/'\s]+)(?='|\s|$)/g)) {
    const segments = match[1]!.split('/');
    // A child id `…/vaults/kv/secrets/s` has alternating type and name segments after the namespace.
    const type = [segments[0], ...segments.slice(1).filter((_, i) => i % 2 === 0)].join('/');
    found.push({ type, name: [...segments.slice(2).filter((_, i) => i % 2 === 0), match[2]!].join('/') });
  }
  for (const match of message.matchAll(/\bresource '([^'/]+)'/gi)) found.push({ name: match[1]! });
  return found;
}

function locateTemplateMessage(message: string, env: DiagnosisEnv): FindingLocation | undefined {
  const template = env.template;
  if (!template) return undefined;
  for (const named of resourcesNamed(message)) {
    const location = template.locateResource(named.type, named.name);
    if (location) return location;
  }
  return { file: template.displayPath };
}

const invalidTemplate: CatalogueEntry = {
  id: 'invalid-template',
  stages: ['infra'],
  recognisedBy:
    'ARM code InvalidTemplate or InvalidTemplateDeployment (top level or nested), from validate or deploy',
  explain(facts, env) {
    const found = findCode(facts, ['InvalidTemplate', 'InvalidTemplateDeployment']);
    if (!found) return undefined;
    const inner = facts.details.filter(detail => detail.code !== found.code);
    const message = [found.message, ...inner.map(d => `${d.code}: ${d.message}`)].join('\n');
    const location = locateTemplateMessage(message, env);
    return {
      title: 'Template is not valid',
      cause: `ARM rejected the template before deploying anything: ${found.code}: ${message}`,
      fix: /circular dependency/i.test(message)
        ? 'Remove one of the dependsOn edges between the resources named; ARM needs an order to deploy them in.'
        : 'Correct the template at the resource or parameter named in the message, then run again. Nothing was deployed.',
      evidence: [{ title: 'ARM validation error', text: `${found.code}: ${message}` }],
      ...(location ? { location } : {})
    };
  }
};

const failedResource: CatalogueEntry = {
  id: 'deployment-operation-failed',
  stages: ['infra'],
  recognisedBy:
    'a failed operation in the template deployment operations list (provisioningState Failed) that no more specific entry explains',
  explain(facts, env): Explanation | undefined {
    const resource = facts.resource;
    if (!resource) return undefined;
    const location = resourceLocation(facts, env);
    const statusText = facts.status ? ` (HTTP ${facts.status})` : '';
    return {
      title: 'Template deployment failed',
      cause: `${resource.type} '${resource.name}' failed${statusText}: ${facts.code}: ${facts.message}`,
      fix: 'Fix the resource as the message says (its name, properties or SKU), then run again: resources that were deployed are kept and converge.',
      evidence: [
        {
          title: `Deployment operation of '${resource.name}'`,
          text: [
            `${facts.code}: ${facts.message}`,
            ...facts.details.map(d => `  - ${d.code}: ${d.message}`)
          ].join('\n')
        }
      ],
      ...(location ? { location } : {})
    };
  }
};

/** Template validation and the deployment's failed resources. */
export const templateEntries: readonly CatalogueEntry[] = [invalidTemplate, failedResource];
