import { missingPermission, quotaShortfall, roleFor, unregisteredNamespace } from './arm-messages.js';
import type { CatalogueEntry } from './explanation.js';
import { findCode, type FailureFacts } from './failure-facts.js';
import { resourceLocation } from './template-entries.js';

function azureEvidence(facts: FailureFacts, found: { code: string; message: string }) {
  const status = facts.status ? ` (HTTP ${facts.status})` : '';
  return [
    {
      title: 'Azure error',
      text: [
        `Operation: ${facts.operation ?? 'unknown'}${status}`,
        `${found.code}: ${found.message}`,
        ...(facts.correlationId ? [`Correlation id: ${facts.correlationId}`] : [])
      ].join('\n')
    }
  ];
}

const authorization: CatalogueEntry = {
  id: 'authorization-failed',
  stages: 'any',
  recognisedBy:
    'ARM code AuthorizationFailed or LinkedAuthorizationFailed (HTTP 403); the action and scope are read from the message',
  explain(facts, env) {
    const found = findCode(facts, ['AuthorizationFailed', 'LinkedAuthorizationFailed']);
    if (!found) return undefined;
    const missing = missingPermission(found.message);
    const who = missing?.objectId
      ? `the identity with object id '${missing.objectId}'`
      : "the action's identity";
    const location = resourceLocation(facts, env);
    const cause = missing
      ? `${who} may not perform '${missing.action}' on ${missing.linked ? 'the linked scope ' : ''}'${missing.scope}'${missing.linked ? ' that the request refers to' : ''}.`
      : `${who} lacks a permission Azure needs for: ${facts.operation ?? 'this operation'}.`;
    const assignee = missing?.objectId
      ? `--assignee-object-id ${missing.objectId} --assignee-principal-type ServicePrincipal`
      : '--assignee <client-id>';
    const fix = missing
      ? `Grant a role that allows '${missing.action}' on that scope, e.g. \`az role assignment create ${assignee} --role "${roleFor(missing.action)}" --scope "${missing.scope}"\`; role assignments take a few minutes to apply.`
      : "Grant the workflow's identity a role on the resource group (Contributor covers deployments), then run again.";
    return {
      title: 'Missing Azure permission',
      cause: `Azure refused: ${cause}`,
      fix,
      evidence: azureEvidence(facts, found),
      ...(location ? { location } : {})
    };
  }
};

const registration: CatalogueEntry = {
  id: 'missing-subscription-registration',
  stages: 'any',
  recognisedBy:
    'ARM code MissingSubscriptionRegistration or NoRegisteredProviderFound; the namespace from the message',
  explain(facts, env) {
    const found = findCode(facts, ['MissingSubscriptionRegistration', 'NoRegisteredProviderFound']);
    if (!found) return undefined;
    const namespace = unregisteredNamespace(found.message) ?? '<namespace>';
    const location = resourceLocation(facts, env);
    return {
      title: 'Resource provider not registered',
      cause: `The subscription is not registered for the resource provider '${namespace}', so Azure cannot create its resources there.`,
      fix: `Register it once per subscription: \`az provider register --namespace ${namespace} --wait\` (needs the */register/action permission, e.g. Contributor on the subscription), then run again.`,
      evidence: azureEvidence(facts, found),
      ...(location ? { location } : {})
    };
  }
};

const quota: CatalogueEntry = {
  id: 'out-of-quota',
  stages: 'any',
  recognisedBy:
    'code OutOfQuota, QuotaExceeded or InsufficientQuota; which quota, usage and limit from the message',
  explain(facts, env) {
    const found = findCode(facts, ['OutOfQuota', 'QuotaExceeded', 'InsufficientQuota']);
    if (!found) return undefined;
    const q = quotaShortfall(found.message);
    const numbers = [
      q.usage !== undefined && q.limit !== undefined ? `${q.usage} of ${q.limit} in use` : '',
      q.needed !== undefined ? `${q.needed} more needed` : ''
    ].filter(Boolean);
    const what = q.what ? `the ${q.what} quota` : 'a quota';
    const location = resourceLocation(facts, env);
    return {
      title: 'Out of quota',
      cause: `The subscription has run out of ${what}${q.location ? ` in ${q.location}` : ''}${numbers.length ? ` (${numbers.join(', ')})` : ''}.`,
      fix: `Lower instance_count or choose a smaller instance_type; delete deployments you no longer need (their instances count against the quota); or request more: Azure portal → Quotas${q.what ? ` → ${q.what}` : ''} (managed online endpoints use the "Machine Learning" quota of the VM family).`,
      evidence: azureEvidence(facts, found),
      ...(location ? { location } : {})
    };
  }
};

/** Permissions, provider registration and quota: the subscription's settings, not the user's files. */
export const accessEntries: readonly CatalogueEntry[] = [authorization, registration, quota];
