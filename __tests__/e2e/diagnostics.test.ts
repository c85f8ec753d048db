import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { outOfBandClients } from '../../harness/azure-clients.js';
import { runAction, type ActionRun, type WorkflowAnnotation } from '../../harness/run-action.js';
import { startAzureStandIn, type AzureStandIn } from '../../emulator/stand-in.js';
import { azureInputs, runnerEnv, workspaceInputs } from './support/action-against-emulator.js';
import { startMlStandIn, type MlStandIn } from './support/ml-stand-in.js';

/**
 * One scenario per failure class the stand-in can produce: each run ends with the right failed stage, a job
 * summary holding the catalogue's cause, fix and evidence, and an annotation on the file and line to change —
 * asserted on the real summary file and the workflow commands printed. Canary secrets (a securestring
 * parameter, endpoint and datastore keys) must never show.
 */

const FIXTURES = fileURLToPath(new URL('../fixtures/diagnostics/', import.meta.url));
const ML_FIXTURE = fileURLToPath(new URL('../fixtures/ml-e2e/', import.meta.url));
const CANARY = 'Canary-Diag-Securestring-5e2a91';

/** The error annotation a finding became, by its title. */
function annotationTitled(run: ActionRun, title: string): WorkflowAnnotation {
  const found = run.annotations.find(a => a.level === 'error' && a.properties.title === title);
  if (!found) {
    const titles = run.annotations.map(a => `${a.level}: ${a.properties.title ?? '(none)'}`);
    throw new Error(
      `No error annotation titled '${title}'; got: ${titles.join('; ')}\n${run.stdout.slice(-3000)}`
    );
  }
  return found;
}

/** The lines of the summary's finding titled `title`, up to the next heading of its level or above. */
function findingSection(run: ActionRun, title: string): string[] {
  const lines = run.summary.split('\n');
  const start = lines.findIndex(line => /^#{3,4} /.test(line) && line.includes(title));
  if (start < 0) throw new Error(`No finding '${title}' in the summary:\n${run.summary}`);
  const end = lines.findIndex((line, i) => i > start && /^#{1,4} /.test(line));
  return lines.slice(start, end < 0 ? undefined : end);
}

/** Nothing the user can see holds a secret: the log as the runner shows it, stderr, summary, annotations. */
function expectNoSecrets(run: ActionRun, secrets: string[]): void {
  const printed = run.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n');
  for (const secret of secrets.filter(Boolean)) {
    expect({ secret, shown: printed.includes(secret) }).toEqual({ secret, shown: false });
    expect(run.stderr).not.toContain(secret);
    expect(run.summary).not.toContain(secret);
  }
}

describe('diagnostics: infrastructure failures (dist/index.js against the stand-in)', () => {
  let emulator: AzureStandIn;
  let clients: ReturnType<typeof outOfBandClients>;
  const workspace = mkdtempSync(join(tmpdir(), 'diag-infra-'));

  beforeAll(async () => {
    emulator = await startAzureStandIn({ blob: false });
    emulator.knobs.lroDurationMs = 200;
    clients = outOfBandClients(emulator);
    for (const file of ['circular.json', 'vault.json'])
      copyFileSync(join(FIXTURES, file), join(workspace, file));
  });
  afterAll(async () => {
    clients?.dispose();
    await emulator?.stop();
  });

  function deploy(group: string, template: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
    return runAction({
      inputs: {
        ...azureInputs(emulator.facts),
        'resource-group': group,
        location: 'westeurope',
        template,
        parameters: `adminPassword=${CANARY}${template === 'vault.json' ? `\nvaultName=kv-${group.slice(3)}` : ''}`,
        ...inputs
      },
      env: runnerEnv(emulator.facts),
      workspace
    });
  }

  it('a template ARM rejects: the finding points at the resource line and says which dependency to remove', async () => {
    const run = await deploy('rg-diag-template', 'circular.json');
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'infra']);
    const annotation = annotationTitled(run, 'Template is not valid');
    expect(annotation.properties).toMatchObject({ file: 'circular.json', line: '8' });
    expect(annotation.message).toMatch(/InvalidTemplate: .*Circular dependency/);
    expect(findingSection(run, 'Template is not valid')).toEqual(
      expect.arrayContaining([
        expect.stringContaining('`circular.json:8`'),
        expect.stringContaining('Remove one of the dependsOn edges'),
        expect.stringMatching(/<summary>ARM validation error<\/summary>/),
        expect.stringMatching(/storageAccounts\/stdiagfirst/)
      ])
    );
    expectNoSecrets(run, [CANARY]);
  });

  it('a Key Vault name held by a soft-deleted vault: refused before any write, on the vault line, with both ways out', async () => {
    const first = await deploy('rg-diag-vault', 'vault.json');
    expect(first.exitCode).toBe(0);
    await clients.factory.keyVault().vaults.delete('rg-diag-vault', 'kv-diag-vault');
    emulator.requestLog.clear();

    const run = await deploy('rg-diag-vault', 'vault.json');
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'infra']);
    // The guard reads every vault before deploying: the conflict ARM would answer never happens.
    expect(emulator.requestLog.writes()).toEqual([]);
    const annotation = annotationTitled(run, 'Invalid configuration');
    expect(annotation.properties).toMatchObject({ file: 'vault.json', line: '9' });
    expect(annotation.message).toContain(
      "Key Vault 'kv-diag-vault' was deleted and is held in soft-deleted state"
    );
    expect(run.summary).toContain("Set 'deleted-vault: recover' to recover it");
    expect(run.summary).toContain('az keyvault purge --name kv-diag-vault --location westeurope');
    expectNoSecrets(run, [CANARY]);
  });

  it('a template that turns purge protection off (key-vault-policy: off): the vault line and what to remove', async () => {
    const first = await deploy('rg-diag-purge', 'vault.json');
    expect(first.exitCode).toBe(0);
    await clients.factory.keyVault().vaults.update('rg-diag-purge', 'kv-diag-purge', {
      properties: { enablePurgeProtection: true }
    });
    const template = JSON.parse(readFileSync(join(workspace, 'vault.json'), 'utf8')) as {
      resources: { properties: Record<string, unknown> }[];
    };
    template.resources[0]!.properties.enablePurgeProtection = false;
    writeFileSync(join(workspace, 'vault-unprotected.json'), JSON.stringify(template, null, 2));

    const run = await deploy('rg-diag-purge', 'vault-unprotected.json', {
      'key-vault-policy': 'off',
      parameters: `adminPassword=${CANARY}\nvaultName=kv-diag-purge`
    });
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'infra']);
    const annotation = annotationTitled(run, 'Key Vault protection cannot be turned off');
    expect(annotation.properties).toMatchObject({ file: 'vault-unprotected.json', line: '13' });
    expect(annotation.message).toContain("Key Vault 'kv-diag-purge', which has them on");
    expect(findingSection(run, 'Key Vault protection cannot be turned off')).toEqual(
      expect.arrayContaining([
        expect.stringContaining("Remove 'enablePurgeProtection: false'"),
        expect.stringContaining('The property "enablePurgeProtection" cannot be set to false')
      ])
    );
    expectNoSecrets(run, [CANARY]);
  });

  it('a missing role assignment (403 AuthorizationFailed): which action on which scope, and the command to grant it', async () => {
    const scope = `/subscriptions/${emulator.facts.subscriptionId}/resourceGroups/rg-diag-auth`;
    emulator.faults.add({
      method: 'PUT',
      path: '*/resourcegroups/rg-diag-auth/providers/Microsoft.Resources/deployments/*',
      status: 403,
      code: 'AuthorizationFailed',
      message:
        `The client '${emulator.facts.clientId}' with object id '0b1c2d3e-0000-4000-8000-00000000ab12' does not have ` +
        `authorization to perform action 'Microsoft.Resources/deployments/write' over scope '${scope}' or the ` +
        'scope is invalid. If access was recently granted, please refresh your credentials.'
    });
    const run = await deploy('rg-diag-auth', 'vault.json');
    emulator.faults.clear();
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'infra']);
    const annotation = annotationTitled(run, 'Missing Azure permission');
    expect(annotation.properties.file).toBeUndefined();
    expect(annotation.message).toContain(
      `may not perform 'Microsoft.Resources/deployments/write' on '${scope}'`
    );
    expect(run.summary).toContain(
      `az role assignment create --assignee-object-id 0b1c2d3e-0000-4000-8000-00000000ab12 --assignee-principal-type ServicePrincipal --role "Contributor" --scope "${scope}"`
    );
    expect(run.summary).toMatch(/Correlation id: [0-9a-f-]{36}/);
    expectNoSecrets(run, [CANARY]);
  });

  it('an unregistered resource provider: the namespace and az provider register', async () => {
    emulator.faults.add({
      method: 'PUT',
      path: '*/resourcegroups/rg-diag-reg/providers/Microsoft.Resources/deployments/*',
      status: 409,
      code: 'MissingSubscriptionRegistration',
      message:
        "The subscription is not registered to use namespace 'Microsoft.KeyVault'. See https://aka.ms/rps-not-found for how to register subscriptions."
    });
    const run = await deploy('rg-diag-reg', 'vault.json');
    emulator.faults.clear();
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'infra']);
    const annotation = annotationTitled(run, 'Resource provider not registered');
    expect(annotation.message).toContain("resource provider 'Microsoft.KeyVault'");
    expect(run.summary).toContain('az provider register --namespace Microsoft.KeyVault --wait');
    expectNoSecrets(run, [CANARY]);
  });
});

describe('diagnostics: model deployment failures (dist/index.js against the stand-in)', () => {
  const RG = 'rg-diag-ml';
  const WS = 'ws-diag-ml';
  let standIn: MlStandIn | undefined;
  let emulator: AzureStandIn;
  let ml: AzureMachineLearningWorkspaces;

  beforeAll(async () => {
    standIn = await startMlStandIn(RG, WS, {
      knobs: { mlCrashLoopWindowMs: 1500 },
      machineLearning: { unavailablePackages: ['nosuchpkg'] }
    });
    ({ emulator, ml } = standIn);
  });
  afterAll(async () => {
    await standIn?.stop();
  });

  /** A fresh copy of the ml-e2e repository with some files replaced. */
  function checkout(files: Record<string, string> = {}): string {
    const repository = mkdtempSync(join(tmpdir(), 'diag-ml-'));
    cpSync(ML_FIXTURE, repository, { recursive: true });
    for (const [path, text] of Object.entries(files)) writeFileSync(join(repository, path), text);
    return repository;
  }

  /**
   * Runs the action on a repository. The runner-side preflight would catch a failing init() before anything
   * is uploaded; it is off here, so the failure happens where it is diagnosed: in Azure's container.
   */
  function deploy(repository: string): Promise<ActionRun> {
    return runAction({
      inputs: {
        ...workspaceInputs(emulator.facts, RG, WS),
        'endpoint-file': 'deploy/endpoint.yml',
        'deployment-file': 'deploy/deployment.yml',
        'timeout-minutes': '3',
        preflight: 'false'
      },
      env: runnerEnv(emulator.facts),
      workspace: repository
    });
  }

  /** Keys the stand-in handed out: the endpoint's and the default datastore's. */
  async function canaries(): Promise<string[]> {
    const keys = await ml.onlineEndpoints
      .listKeys(RG, WS, 'linear-ep')
      .catch(() => ({}) as Record<string, string>);
    const datastore = (await ml.datastores.listSecrets(RG, WS, 'workspaceblobstore')) as { key?: string };
    return [keys.primaryKey ?? '', keys.secondaryKey ?? '', datastore.key ?? ''];
  }

  it('an image build that cannot find a pip package: the build log tail from storage, annotated on the conda line', async () => {
    const conda = readFileSync(join(ML_FIXTURE, 'env', 'conda.yml'), 'utf8');
    const repository = checkout({ 'env/conda.yml': `${conda.trimEnd()}\n  - pip:\n    - nosuchpkg==1.0\n` });
    const run = await deploy(repository);
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'deployment']);
    const annotation = annotationTitled(run, 'Environment image build failed');
    expect(annotation.properties).toMatchObject({ file: 'env/conda.yml', line: '8' });
    expect(annotation.message).toContain(
      "in step 3/7 (RUN conda env create …): pip could not find 'nosuchpkg==1.0'"
    );
    expect(run.summary).toMatch(
      /<summary>Image build log, last lines \(storage account '[^']+', \/azureml\/ImageLogs\/[0-9a-f]+\/build\.log\)/
    );
    expect(run.summary).toContain('>> ERROR: No matching distribution found for nosuchpkg==1.0');
    expectNoSecrets(run, await canaries());
  });

  it('a scoring script that opens a file not in the model directory: what it opened, what is there, the line', async () => {
    const repository = checkout({
      'src/score.py':
        'import os\n\n\ndef init():\n    open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "linear.json"))\n\n\ndef run(raw):\n    return raw\n'
    });
    const run = await deploy(repository);
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'deployment']);
    const annotation = annotationTitled(run, 'Scoring script failed');
    expect(annotation.properties).toMatchObject({ file: 'src/score.py', line: '5' });
    expect(annotation.message).toMatch(/FileNotFoundError: .*linear\.json/);
    expect(annotation.message).toContain(
      "Your code opened 'linear.json' in the model directory; the model directory contains 'model/linear.json'."
    );
    expect(run.summary).toContain('os.path.join(os.environ["AZUREML_MODEL_DIR"], "model", "linear.json")');
    expect(run.summary).toContain('Your code opened: $AZUREML_MODEL_DIR/linear.json');
    expect(run.summary).toMatch(/<summary>Traceback \(from the InferenceServer log\)<\/summary>/);
    expectNoSecrets(run, await canaries());
  });

  it('an init() that raises in a module of the code folder: the traceback frame in that file becomes the annotation', async () => {
    const repository = checkout({
      'src/settings.py':
        '"""Settings the scoring script reads at start."""\n\n\ndef threshold():\n    value = None\n    if value is None:\n        raise ValueError("threshold must be set before the model loads")\n    return value\n',
      'src/score.py':
        'import settings\n\n\ndef init():\n    settings.threshold()\n\n\ndef run(raw):\n    return raw\n'
    });
    const run = await deploy(repository);
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'deployment']);
    const annotation = annotationTitled(run, 'Scoring script failed');
    expect(annotation.properties).toMatchObject({ file: 'src/settings.py', line: '7' });
    expect(annotation.message).toContain('UserScriptInitFailed');
    expect(annotation.message).toContain('ValueError: threshold must be set before the model loads');
    expect(annotation.message).toContain('(src/settings.py line 7, in threshold)');
    expect(findingSection(run, 'Scoring script failed')).toEqual(
      expect.arrayContaining([
        expect.stringContaining('`src/settings.py:7`'),
        expect.stringContaining('raise ValueError("threshold must be set before the model loads")')
      ])
    );
    expectNoSecrets(run, await canaries());
  });

  it('a scoring script importing a package the environment lacks: the import line and the conda file to add it to', async () => {
    const repository = checkout({
      'src/score.py':
        'import lightgbm_missing\n\n\ndef init():\n    pass\n\n\ndef run(raw):\n    return raw\n'
    });
    const run = await deploy(repository);
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'deployment']);
    const annotation = annotationTitled(run, 'Scoring script failed');
    expect(annotation.properties).toMatchObject({ file: 'src/score.py', line: '1' });
    expect(annotation.message).toContain("ModuleNotFoundError: No module named 'lightgbm_missing'");
    expect(annotation.message).toContain("add the package that provides 'lightgbm_missing' to env/conda.yml");
    expectNoSecrets(run, await canaries());
  });

  it('a registered model whose files are not in storage: the storage initializer log and what to do', async () => {
    const missingPath =
      `azureml://subscriptions/${emulator.facts.subscriptionId}/resourceGroups/${RG}/workspaces/${WS}` +
      '/datastores/workspaceblobstore/paths/LocalUpload/0000deleted/model';
    await ml.modelVersions.createOrUpdate(RG, WS, 'broken-model', '1', {
      properties: { modelUri: missingPath, modelType: 'custom_model' }
    });
    const deployment = readFileSync(join(ML_FIXTURE, 'deploy', 'deployment.yml'), 'utf8').replace(
      /model:\n {2}path: \.\.\/model\n {2}name: linear-model\n/,
      'model: azureml:broken-model:1\n'
    );
    expect(deployment).toContain('model: azureml:broken-model:1');
    const run = await deploy(checkout({ 'deploy/deployment.yml': deployment }));
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'deployment']);
    const annotation = annotationTitled(run, 'The model could not be downloaded');
    expect(annotation.message).toContain('its files are not at the registered path');
    expect(annotation.message).toContain('BlobNotFound');
    expect(findingSection(run, 'The model could not be downloaded')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/<summary>StorageInitializer log \(last lines\)<\/summary>/),
        expect.stringMatching(/ERROR \| Failed to download model/),
        expect.stringContaining('register the model again with a path that holds its files')
      ])
    );
    expectNoSecrets(run, await canaries());
  });

  it('no quota for the instance type (OutOfQuota injected): which quota, usage and limit, and the ways out', async () => {
    const repository = checkout({
      'src/score.py': `${readFileSync(join(ML_FIXTURE, 'src', 'score.py'), 'utf8')}\n# quota scenario\n`
    });
    emulator.faults.add({
      method: 'PUT',
      path: '*/onlineEndpoints/linear-ep/deployments/*',
      status: 400,
      code: 'OutOfQuota',
      message: `Not enough quota available for Standard_DS3_v2 in SubscriptionId ${emulator.facts.subscriptionId}. Current usage/limit: 4/6. Additional needed: 4 Please see troubleshooting guide, available here: https://aka.ms/oe-tsg#error-outofquota`
    });
    const run = await deploy(repository);
    emulator.faults.clear();
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'deployment']);
    const annotation = annotationTitled(run, 'Out of quota');
    expect(annotation.message).toContain('the Standard_DS3_v2 quota (4 of 6 in use, 4 more needed)');
    expect(run.summary).toContain('Lower instance_count or choose a smaller instance_type');
    expect(run.summary).toMatch(/Correlation id: [0-9a-f-]{36}/);
    expectNoSecrets(run, await canaries());
  });
});
