import { missingResource } from './arm-messages.js';
import type { CatalogueEntry } from './explanation.js';
import { findCode, type FailureFacts } from './failure-facts.js';
import type { Evidence } from '../run/finding.js';
import { resourceLocation } from './template-entries.js';

function azureEvidence(facts: FailureFacts): Evidence[] {
  const status = facts.status ? ` (HTTP ${facts.status})` : '';
  return [
    {
      title: 'Azure error',
      text: [
        `Operation: ${facts.operation ?? 'unknown'}${status}`,
        `${facts.code ?? 'Unknown'}: ${facts.message}`,
        ...facts.details.map(
          detail =>
            `  - ${detail.code}: ${detail.message}${detail.target ? ` (target: ${detail.target})` : ''}`
        ),
        ...(facts.correlationId ? [`Correlation id: ${facts.correlationId}`] : [])
      ].join('\n')
    }
  ];
}

const badArgument: CatalogueEntry = {
  id: 'bad-argument',
  stages: 'any',
  recognisedBy:
    'code BadArgument (Azure ML nests it under UserError), or ARM BadRequest/InvalidRequestContent with HTTP 400',
  explain(facts, env) {
    const found = findCode(facts, ['BadArgument', 'InvalidRequestContent']);
    if (!found) return undefined;
    const target = [facts.details.find(d => d.code === found.code)?.target].find(Boolean);
    const location = resourceLocation(facts, env);
    return {
      title: 'Azure rejected a setting',
      cause: `Azure rejected the request to ${facts.operation ?? 'perform the operation'}${target ? ` (field '${target}')` : ''}: ${found.message}`,
      fix: 'Change the setting the message names (in the deployment or endpoint YAML, the inputs or the template), then run again.',
      evidence: azureEvidence(facts),
      ...(location ? { location } : {})
    };
  }
};

const notFound: CatalogueEntry = {
  id: 'resource-not-found',
  stages: 'any',
  recognisedBy:
    'code ResourceNotFound, ResourceGroupNotFound, NotFound (nested under UserError), or HTTP 404',
  explain(facts, env) {
    const found =
      findCode(facts, ['ResourceNotFound', 'ResourceGroupNotFound', 'NotFound', 'DeploymentNotFound']) ??
      (facts.status === 404 ? { code: facts.code ?? 'HTTP404', message: facts.message } : undefined);
    if (!found) return undefined;
    const missing = missingResource(found.message) ?? missingResource(facts.message);
    const location = resourceLocation(facts, env);
    return {
      title: 'Azure resource not found',
      cause: `${missing ? `${missing.resource}${missing.resourceGroup ? ` in resource group '${missing.resourceGroup}'` : ''}` : 'A resource the action needs'} does not exist (while trying to ${facts.operation ?? 'run'}).`,
      fix: "Check the names in the inputs ('resource-group', 'workspace', 'subscription-id') and files: the workspace must exist before a model deploys (deploy it with 'template' in the same run, or beforehand). A resource deleted by someone else is recreated by running again.",
      evidence: azureEvidence(facts),
      ...(location ? { location } : {})
    };
  }
};

const canceled: CatalogueEntry = {
  id: 'operation-canceled',
  stages: 'any',
  recognisedBy: "code OperationCanceled, Canceled or DeploymentCanceled, or provisioning state 'Canceled'",
  explain(facts) {
    const found =
      findCode(facts, ['OperationCanceled', 'Canceled', 'DeploymentCanceled']) ??
      (/\bended Canceled\b|provisioning state .?Canceled/i.test(facts.message)
        ? { code: 'Canceled', message: facts.message }
        : undefined);
    if (!found) return undefined;
    return {
      title: 'Azure canceled the operation',
      cause: `Azure canceled the operation to ${facts.operation ?? 'deploy'} (${found.code}): usually another update of the same resource (another run, a person in the portal) replaced it, or the platform restarted it.`,
      fix: 'Run again: the action resumes from what exists. If it happens on every run, look for a second workflow deploying the same resource and serialise them with a concurrency group.',
      evidence: azureEvidence(facts)
    };
  }
};

const throttled: CatalogueEntry = {
  id: 'throttled',
  stages: 'any',
  recognisedBy: 'HTTP 429 or code TooManyRequests / RequestThrottled after the retry policy gave up',
  explain(facts) {
    const found =
      findCode(facts, ['TooManyRequests', 'RequestThrottled', 'SubscriptionRequestsThrottled']) ??
      (facts.status === 429 ? { code: facts.code ?? 'HTTP429', message: facts.message } : undefined);
    if (!found) return undefined;
    return {
      title: 'Azure throttled the requests',
      cause: `Azure throttled requests to ${facts.operation ?? 'the API'} longer than the run could wait (${found.code}).`,
      fix: "Run again later, or raise 'timeout-minutes' so the retries can wait out the throttling; fewer parallel workflows against the subscription help too.",
      evidence: azureEvidence(facts)
    };
  }
};

const signIn: CatalogueEntry = {
  id: 'sign-in-failed',
  stages: ['sign-in'],
  recognisedBy: 'any failure of the sign-in stage (CredentialChainError lists each credential tried)',
  explain(facts) {
    const attempts = facts.message.split('\n').slice(1).join('\n');
    return {
      title: 'Sign-in to Azure failed',
      cause: facts.message.split('\n')[0] ?? facts.message,
      fix: "Follow the fix given for the credential you meant to use. For GitHub OIDC: the job needs 'permissions: id-token: write', and the federated credential's subject must match this workflow's repository and ref or environment; 'client-id' and 'tenant-id' must name that app registration.",
      evidence: attempts ? [{ title: 'Credentials tried', text: attempts }] : []
    };
  }
};

const deadline: CatalogueEntry = {
  id: 'deadline-exceeded',
  stages: 'any',
  recognisedBy: "the run's deadline (input 'timeout-minutes') ended a wait",
  explain(facts) {
    if (!facts.deadline) return undefined;
    return {
      title: 'Run out of time',
      cause: `The ${facts.stage} stage stopped waiting: ${facts.message}`,
      fix: "Raise 'timeout-minutes', or run again: what Azure finished meanwhile is reused and a deployment still running is waited for.",
      evidence: []
    };
  }
};

/** Azure-wide errors: bad arguments, missing resources, cancellations, throttling, the run's deadline. */
export const genericEntries: readonly CatalogueEntry[] = [
  signIn,
  deadline,
  canceled,
  throttled,
  notFound,
  badArgument
];
