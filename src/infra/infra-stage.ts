import { ConfigurationError, type ConfigurationProblem } from '../run/errors.js';
import { applyPolicyOperation } from '../keyvault/access-policies.js';
import { describeDecision } from '../keyvault/decide-vaults.js';
import { guardMode } from '../keyvault/guard-mode.js';
import { guardTemplate } from '../keyvault/guard-template.js';
import { VaultEvidence } from '../keyvault/vault-evidence.js';
import type { VaultDecision } from '../keyvault/vault-plan.js';
import { verifyAndRestorePolicies } from '../keyvault/verify-policies.js';
import type { Stage } from '../run/stage.js';
import type { InfraContext } from './infra-context.js';
import {
  runDeployment,
  TemplateDeploymentFailedError,
  validateDeployment,
  whatIfDeployment,
  type DeploymentRequest
} from './arm-deployment.js';
import {
  declaredPolicies,
  decideVaults,
  nameVaults,
  reconcileWhatIf,
  watchRewrittenVaults,
  type NamedVault
} from '../keyvault/guard-vaults.js';
import { reportForeignWrites } from './foreign-writes.js';
import type { InfraResult, VaultReport } from './infra-result.js';
import { recordVerification } from './verification-report.js';
import { templateDeploymentContext } from './deployment-context.js';
import { locateFailures } from './locate-failures.js';
import { previousDeployment } from './previous-deployment.js';
import {
  deployedBefore,
  deploymentFingerprint,
  FINGERPRINT_TAG,
  isUnchanged
} from './unchanged-deployment.js';
import { armParameters, parameterProblems, planInfra, type InfraPlan } from './plan-infra.js';
import { secretOutputs } from './secret-outputs.js';
import { templateOutputs } from './template-outputs.js';
import { summariseChanges } from './what-if-changes.js';

/**
 * Deploys the ARM template without losing a Key Vault access policy:
 * plan offline → ARM validate → read each vault → guard the template → what-if → (dry run stops) → deploy →
 * verify every policy survived (restore any that did not) → outputs.
 */
export const infraStage: Stage<InfraContext> = {
  name: 'infra',
  title: 'Infrastructure',
  async run(context: InfraContext): Promise<string> {
    const { config, azure, deadline, log, results } = context;
    const infra = config.infra!;
    const group = results.resourceGroup!;
    const result: InfraResult = {
      deploymentName: infra.deploymentName,
      templateFile: infra.templateFile.displayPath,
      dryRun: infra.dryRun,
      vaults: [],
      outputs: {},
      failedResources: []
    };
    results.infra = result;

    const plan = planInfra(infra, templateDeploymentContext(context, results.resourceGroup!));
    const secrets = secretOutputs(infra.template.json);
    refuseIf(parameterProblems(plan));
    for (const linked of plan.walk.notInspectable) {
      log.warning(`${linked.reason}: Key Vaults inside it are not guarded.`, {
        file: linked.source.file,
        startLine: linked.source.line,
        title: 'Not inspectable'
      });
    }

    const request: DeploymentRequest = {
      resourceGroup: group.name,
      name: infra.deploymentName,
      template: infra.template.json,
      parameters: armParameters(infra),
      mode: infra.mode
    };
    const fingerprint = deploymentFingerprint(infra, request);
    if (fingerprint) request.tags = { [FINGERPRINT_TAG]: fingerprint };
    const deployments = azure.deployments();
    // A group this run has yet to create holds nothing: ARM can validate nothing there and no vault exists in it.
    const previous = group.exists
      ? await previousDeployment(deployments, request, fingerprint, deadline, log)
      : undefined;
    // ARM's validation is an LRO of its own. When every vault name is known offline, the guard does not need
    // its answer: the vault reads and what-if go on beside it, and it is awaited before anything is written.
    // A re-run of what was deployed before may write nothing at all (unchanged-deployment.ts): validation
    // then waits until a deployment is really to be sent.
    let validating: Promise<string[]> | undefined;
    const validate = (): Promise<string[]> | undefined => {
      if (!group.exists) return undefined;
      validating ??= validateDeployment(deployments, request, deadline);
      validating.catch(() => undefined); // awaited below; a failure is reported there, not as unhandled
      return validating;
    };
    const mayBeUnchanged = !infra.dryRun && infra.whatIf && deployedBefore(previous, fingerprint);
    if (!mayBeUnchanged) validate();
    let named = nameVaults(plan.vaultNodes, undefined, group.name, infra.keyVaultPolicy);
    if (named.problems.length > 0 && group.exists)
      named = nameVaults(plan.vaultNodes, await validate(), group.name, infra.keyVaultPolicy);
    refuseIf(named.problems);

    // Writes to one vault are serialised by Azure: a concurrent writer (another run, a person) makes ours fail
    // with a Key Vault ConflictError. The state the guard planned from may be stale by then, so read it again
    // and plan again, rather than blindly redeploying.
    const guardFor = (decisions: VaultDecision[]): unknown => {
      if (!guardMode(infra.keyVaultPolicy).guards) return infra.template.json;
      // Complete mode deletes resources whose condition is false: a vault must then be written, never skipped.
      if (infra.mode === 'Complete') decisions.forEach(decision => (decision.unchanged = false));
      return guardTemplate(infra.template.json as Record<string, unknown>, decisions);
    };
    // Every read and what-if adds to the evidence; a vault once shown to exist is never downgraded to absent.
    const evidence = new VaultEvidence();
    let firstDecisions: VaultDecision[] | undefined;
    for (let attempt = 1; ; attempt++) {
      const source = attempt === 1 ? 'first read' : `read before retry ${attempt}`;
      // Start of the window in which another writer's grant could be overwritten by ARM's vault PUT.
      let readAt = new Date();
      let decisions = await guardVaults(context, named.vaults, result, firstDecisions, evidence, source);
      firstDecisions ??= decisions;
      let guardedRequest = { ...request, template: guardFor(decisions) };
      if (attempt === 1) {
        warnAboutProtectionFlags(context, decisions);
        if (infra.whatIf && group.exists) {
          const whatIf = whatIfDeployment(deployments, guardedRequest, deadline);
          // Validation's verdict comes first: what-if of an invalid template fails with a vaguer message.
          const [validated, changes] = await Promise.allSettled([validating, whatIf]);
          if (validated.status === 'rejected') throw validated.reason;
          if (changes.status === 'rejected') throw changes.reason;
          result.changes = summariseChanges(changes.value);
          reconcileWhatIf(changes.value, decisions, evidence);
        }
        if (infra.dryRun) {
          await validating;
          return `dry run: validated, ${describeChanges(result)}; ${decisions.length} Key Vault(s) planned; nothing written`;
        }
        if (isUnchanged(previous, fingerprint, result.changes, decisions)) {
          result.unchanged = true;
          result.outputs = templateOutputs(previous.properties?.outputs, secrets, context.redactor);
          result.vaults.forEach(vault => (vault.policiesKept = vault.policiesBefore));
          const earlier =
            previous.name === infra.deploymentName ? 'its last successful run' : `'${previous.name}'`;
          return `deployment '${infra.deploymentName}' unchanged: same template and parameters as ${earlier}, ${describeChanges(result)}; nothing written`;
        }
        await validate();
        if (infra.mode === 'Complete') {
          log.warning(
            'deployment-mode is Complete: resources in the group that the template does not declare are deleted.'
          );
        }
        // What-if took time: read the vaults again right before deploying, so the window in which a policy
        // someone else adds could be overwritten is as short as Azure allows.
        readAt = new Date();
        decisions = await guardVaults(
          context,
          named.vaults,
          result,
          firstDecisions,
          evidence,
          'read right before deploying'
        );
        guardedRequest = { ...request, template: guardFor(decisions) };
      }
      const watch = watchRewrittenVaults(azure.keyVault(), decisions, deadline.signal);
      try {
        const deployment = await deployOrLocate(context, plan, guardedRequest, result);
        result.outputs = templateOutputs(deployment.properties?.outputs, secrets, context.redactor);
      } catch (error) {
        await watch.stop();
        if (attempt >= MAX_CONFLICT_ATTEMPTS || !isVaultConflict(error)) throw error;
        log.warning(
          `Deployment '${infra.deploymentName}' met a concurrent write on a Key Vault; reading the vaults again and retrying (attempt ${attempt + 1} of ${MAX_CONFLICT_ATTEMPTS}).`
        );
        result.failedResources = [];
        await deadline.sleep(1000 * attempt * (0.5 + Math.random()), 'retry after a Key Vault conflict');
        continue;
      }
      const seen = await watch.stop();
      recordVerification(
        context,
        result,
        await verifyAndRestorePolicies(azure.keyVault(), decisions, deadline, {
          declared: declaredPolicies(named.vaults),
          seen
        })
      );
      await reportForeignWrites(context, decisions, result, { from: readAt, to: new Date() });
      break;
    }
    return `deployment '${infra.deploymentName}' succeeded; ${describeChanges(result)}; ${result.vaults.length} Key Vault(s) guarded`;
  }
};

const MAX_CONFLICT_ATTEMPTS = 3;

/**
 * Reads every vault, decides what to do with it, and records the decisions; refuses soft-deleted names.
 * On a retry, the policies found by the first attempt stay part of the baseline: a failed attempt may already
 * have rewritten a vault, and what it lost must still be kept.
 */
async function guardVaults(
  context: InfraContext,
  vaults: NamedVault[],
  result: InfraResult,
  firstAttempt: VaultDecision[] | undefined,
  evidence: VaultEvidence,
  source: string
): Promise<VaultDecision[]> {
  const { decisions, problems } = await decideVaults(
    context.azure.keyVault(),
    vaults,
    context.config.infra!,
    context.deadline,
    evidence,
    source
  );
  for (const decision of decisions) {
    const first = firstAttempt?.find(d => d.name === decision.name);
    if (first)
      decision.policiesBefore = applyPolicyOperation(decision.policiesBefore, 'add', first.policiesBefore);
  }
  result.vaults = decisions.map(vaultReport);
  decisions.forEach(decision => context.log.info(`Key Vault ${describeDecision(decision)}`));
  refuseIf(problems);
  return decisions;
}

/** True when the deployment failed only because Key Vault writes collided with someone else's. */
function isVaultConflict(error: unknown): boolean {
  if (!(error instanceof TemplateDeploymentFailedError) || error.operations.length === 0) return false;
  return error.operations.every(
    op =>
      op.resourceType.toLowerCase().startsWith('microsoft.keyvault/vaults') && /conflict/i.test(op.error.code)
  );
}

function refuseIf(problems: ConfigurationProblem[]): void {
  if (problems.length > 0) throw new ConfigurationError(problems);
}

async function deployOrLocate(
  context: InfraContext,
  plan: InfraPlan,
  request: DeploymentRequest,
  result: InfraResult
) {
  try {
    return await runDeployment(context.azure.deployments(), request, context.deadline);
  } catch (error) {
    // Located here, where the template walk is at hand; the diagnosis (src/diagnose/) turns each failed
    // resource into a finding on its template line, and the summary lists them.
    if (error instanceof TemplateDeploymentFailedError)
      result.failedResources = locateFailures(error.operations, plan);
    throw error;
  }
}

function vaultReport(decision: VaultDecision): VaultReport {
  const state = decision.state;
  return {
    name: decision.name,
    resourceId: state.kind === 'active' ? state.vault.id : '',
    stateFound: state.kind === 'active' && state.vault.rbacAuthorization ? 'rbac' : state.kind,
    action: decision.action,
    explanation: describeDecision(decision),
    policiesBefore: decision.policiesBefore.length,
    policiesKept: null,
    policiesAdded: 0,
    policiesRestored: 0,
    protectedFlags: decision.protectedFlags
  };
}

function warnAboutProtectionFlags({ log }: InfraContext, decisions: VaultDecision[]): void {
  for (const decision of decisions.filter(d => d.protectedFlags.length > 0)) {
    log.warning(
      `Key Vault '${decision.name}' has ${decision.protectedFlags.join(' and ')} on; the template sets it to false, which Azure refuses and which would weaken protection. The property was left out of the deployment.`,
      { file: decision.node.file, startLine: decision.node.line, title: 'Key Vault protection kept' }
    );
  }
}

function describeChanges(result: InfraResult): string {
  if (!result.changes) return 'what-if not run';
  const { counts } = result.changes;
  const parts = ['Create', 'Modify', 'Delete']
    .filter(type => counts[type])
    .map(type => `${counts[type]} ${type.toLowerCase()}`);
  return parts.length > 0 ? `what-if: ${parts.join(', ')}` : 'what-if: no changes';
}
