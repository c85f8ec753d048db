import type { InputName, RawInputs } from '../contract/inputs.js';
import { cloudFor } from './clouds.js';
import { ProblemList } from '../run/errors.js';
import type { DeploymentContext } from '../arm/index.js';
import type { ConfigurationProblem } from '../run/errors.js';
import type { ActionConfig } from './config.js';
import { loadHealthConfig } from './health-config.js';
import { loadInfraConfig, type InfraConfig } from './infra-config.js';
import { loadMlConfig } from './ml-config.js';
import { loadReportingConfig } from './reporting-config.js';
import { loadTargetConfig, parseTargetKind } from './target-config.js';
import type { RunnerContext } from '../contract/runner-context.js';
import { undeclaredInputProblems } from './undeclared-inputs.js';
import {
  checkGuid,
  checkResourceGroupName,
  checkTenant,
  normaliseLocation,
  parseHttpsOrigin,
  parseMinutes
} from './validators.js';

/**
 * The offline check of a template (its parameters, names that cannot be guarded), which the infra plan
 * provides (src/infra/plan-infra.ts): main() hands it in, so its problems are reported with the others.
 */
export type TemplateCheck = (infra: InfraConfig, context: DeploymentContext) => ConfigurationProblem[];

/**
 * Turns raw inputs into the typed configuration, reading and parsing every file they name. Every input is
 * checked before anything is sent to Azure, and every problem is reported at once (a ConfigurationError), so
 * a user fixes their workflow in one go. `undeclared` are the inputs given that action.yml does not declare.
 */
export async function parseConfig(
  inputs: RawInputs,
  runner: RunnerContext,
  undeclared: readonly string[] = [],
  checkTemplate?: TemplateCheck
): Promise<ActionConfig> {
  const problems = new ProblemList();
  // First: a misspelt input explains the problems that follow from its absence ('parameters' without 'template').
  undeclaredInputProblems(undeclared).forEach(problem => problems.add(problem));
  const problem = (input: InputName, message: string | undefined, fix?: string): void => {
    if (message) problems.add({ input, message, ...(fix ? { fix } : {}) });
  };
  const required = (input: InputName, fix: string): string => {
    if (inputs[input] === '') problem(input, 'is required but empty.', fix);
    return inputs[input];
  };

  // `target: local` without a template runs on the runner alone: no subscription or resource group needed.
  const targetKind = parseTargetKind(inputs, problem => problems.add(problem));
  const needsAzure = targetKind === 'azure' || inputs.template !== '';
  const azureInput = (input: InputName, fix: string): string =>
    needsAzure ? required(input, fix) : inputs[input];

  const subscriptionId = azureInput('subscription-id', 'Set it to the id of the subscription to deploy to.');
  if (subscriptionId) problem('subscription-id', checkGuid(subscriptionId, 'subscription id'));

  const resourceGroup = azureInput('resource-group', 'Name the resource group to deploy into.');
  if (resourceGroup) problem('resource-group', checkResourceGroupName(resourceGroup));

  let location: string | undefined;
  if (inputs.location) {
    const parsed = normaliseLocation(inputs.location);
    problem('location', parsed.problem);
    location = parsed.location;
  }

  const { tenantId, clientId } = parseIdentity(inputs, problem);

  const audience = required(
    'audience',
    "Use the default 'api://AzureADTokenExchange' unless your federated credential names another."
  );

  const arm = parseHttpsOrigin(
    required('arm-endpoint', 'Use https://management.azure.com for the public cloud.')
  );
  if (inputs['arm-endpoint']) problem('arm-endpoint', arm.problem);
  let authorityHost: URL | undefined;
  if (inputs['authority-host']) {
    const parsed = parseHttpsOrigin(inputs['authority-host']);
    problem('authority-host', parsed.problem);
    authorityHost = parsed.url;
  }

  const timeout = parseMinutes(inputs['timeout-minutes']);
  problem('timeout-minutes', timeout.problem);

  const infra = await loadInfraConfig(inputs, runner, problem => problems.add(problem));
  if (infra && checkTemplate && problems.isEmpty) {
    // Plan the template offline now, so its parameter problems stop the run before the first request.
    const context = {
      subscriptionId: subscriptionId.toLowerCase(),
      tenantId: tenantId ?? '',
      resourceGroup: {
        name: resourceGroup,
        ...(location ? { location } : {}),
        id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`
      },
      deploymentName: infra.deploymentName
    };
    checkTemplate(infra, context).forEach(problem => problems.add(problem));
  }

  let endpointName: string | undefined;
  const ml = loadMlConfig(
    inputs,
    runner,
    problem => problems.add(problem),
    targetKind,
    name => (endpointName = name)
  );
  const target = await loadTargetConfig(inputs, targetKind, ml, runner, problem => problems.add(problem));
  const health = loadHealthConfig(inputs, runner, problem => problems.add(problem));
  const reporting = loadReportingConfig(inputs, problem => problems.add(problem));

  problems.throwIfAny({ ...(endpointName ? { endpointName } : {}) });
  return {
    ...(infra ? { infra } : {}),
    ...(ml ? { ml } : {}),
    ...(health ? { health } : {}),
    azure: {
      subscriptionId: subscriptionId.toLowerCase(),
      resourceGroup,
      ...(location ? { location } : {}),
      cloud: cloudFor(arm.url!, authorityHost)
    },
    auth: { ...(tenantId ? { tenantId } : {}), ...(clientId ? { clientId } : {}), audience },
    timeoutMs: Math.round(timeout.minutes! * 60_000),
    reporting,
    target
  };
}

/** `client-id` and `tenant-id` go together: OIDC federation needs both. */
function parseIdentity(
  inputs: RawInputs,
  problem: (input: InputName, message: string | undefined, fix?: string) => void
): { tenantId?: string; clientId?: string } {
  const tenantId = inputs['tenant-id'] || undefined;
  const clientId = inputs['client-id'] || undefined;
  if (tenantId) problem('tenant-id', checkTenant(tenantId));
  if (clientId) problem('client-id', checkGuid(clientId, 'client (application) id'));
  if (clientId && !tenantId) {
    problem(
      'tenant-id',
      "is empty while 'client-id' is set.",
      'OIDC sign-in needs both; set the tenant id of the app registration.'
    );
  }
  if (tenantId && !clientId) {
    problem(
      'client-id',
      "is empty while 'tenant-id' is set.",
      'OIDC sign-in needs both; set the application (client) id.'
    );
  }
  return { ...(tenantId ? { tenantId } : {}), ...(clientId ? { clientId } : {}) };
}
