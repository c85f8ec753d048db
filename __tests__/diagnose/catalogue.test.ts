import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AzureOperationError } from '../../src/azure/azure-error.js';
import { CredentialChainError } from '../../src/azure/credential-chain.js';
import { DeadlineExceededError } from '../../src/run/deadline.js';
import { CATALOGUE, explainFailure } from '../../src/diagnose/catalogue.js';
import type { DiagnosisEnv } from '../../src/diagnose/diagnosis-env.js';
import { failureFacts, operationFacts, type FailureFacts } from '../../src/diagnose/failure-facts.js';
import { RANK } from '../../src/run/finding.js';
import { TemplateDeploymentFailedError } from '../../src/infra/arm-deployment.js';
import { OnlineDeploymentFailedError } from '../../src/ml/deployment-failure.js';
import { deploymentFailures } from '../../emulator/providers/machine-learning/ml-errors.js';
import type { StageName } from '../../src/run/stage.js';

function azureError(
  code: string,
  message: string,
  status = 400,
  details: AzureOperationError['details'] = []
) {
  return new AzureOperationError(
    "create online deployment 'blue' on endpoint 'ep'",
    status,
    code,
    message,
    details,
    'corr-1',
    'req-1'
  );
}

function facts(stage: StageName, error: unknown): FailureFacts {
  return failureFacts(stage, error);
}

/** A code folder on disk, so traceback frames map to repository files. */
function codeFolder(): DiagnosisEnv {
  const root = mkdtempSync(join(tmpdir(), 'catalogue-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'score.py'), 'def init():\n    pass\n');
  return {
    codeFolder: { kind: 'path', absolutePath: join(root, 'src'), displayPath: 'src', isDirectory: true },
    scoringScript: 'score.py',
    model: { displayPath: 'model', files: ['model/linear.json'] }
  };
}

const INIT_FAILURE_LOG = [
  '2024-05-01 10:00:00,000 I [12] azmlinfsrv - Model Directory: /var/azureml-app/azureml-models/linear/1',
  "2024-05-01 10:00:01,000 E [12] azmlinfsrv - User's init function failed",
  '2024-05-01 10:00:01,000 E [12] azmlinfsrv - Encountered Exception Traceback (most recent call last):',
  '  File "/var/azureml-app/src/score.py", line 2, in init',
  "    open(os.path.join(os.environ['AZUREML_MODEL_DIR'], 'linear.json'))",
  "FileNotFoundError: [Errno 2] No such file or directory: '/var/azureml-app/azureml-models/linear/1/linear.json'",
  '2024-05-01 10:00:01,100 I [12] azmlinfsrv - Worker exiting'
].join('\n');

describe('the failure catalogue', () => {
  it('has unique ids, each with a description of how it is recognised', () => {
    const ids = CATALOGUE.map(entry => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const entry of CATALOGUE) expect(entry.recognisedBy.length).toBeGreaterThan(20);
  });

  it.each<[string, StageName, unknown, string]>([
    [
      'an ARM validation error',
      'infra',
      azureError(
        'InvalidTemplate',
        "Deployment template validation failed: 'The template resource 'kv' at line '9' and column '5' is not valid'"
      ),
      'invalid-template'
    ],
    [
      'a nested InvalidTemplate',
      'infra',
      azureError('InvalidTemplateDeployment', 'See inner errors.', 400, [
        { code: 'InvalidTemplate', message: 'bad' }
      ]),
      'invalid-template'
    ],
    [
      'AuthorizationFailed',
      'resource-group',
      azureError(
        'AuthorizationFailed',
        "The client 'x' with object id 'y' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/write' over scope '/subscriptions/s/resourcegroups/rg' or the scope is invalid.",
        403
      ),
      'authorization-failed'
    ],
    [
      'LinkedAuthorizationFailed',
      'infra',
      azureError(
        'LinkedAuthorizationFailed',
        "… does not have permission to perform action(s) 'Microsoft.Network/virtualNetworks/subnets/join/action' on the linked scope(s) '/s/subnets/default' …",
        403
      ),
      'authorization-failed'
    ],
    [
      'MissingSubscriptionRegistration',
      'endpoint',
      azureError(
        'MissingSubscriptionRegistration',
        "The subscription is not registered to use namespace 'Microsoft.MachineLearningServices'.",
        409
      ),
      'missing-subscription-registration'
    ],
    [
      'OutOfQuota nested under UserError',
      'deployment',
      azureError('UserError', 'Quota.', 400, [
        {
          code: 'OutOfQuota',
          message:
            'Not enough quota available for Standard_F2s_v2. Current usage/limit: 2/2. Additional needed: 2'
        }
      ]),
      'out-of-quota'
    ],
    [
      'an image build failure',
      'deployment',
      azureError('DeploymentFailed', 'Failed.', 200, [
        deploymentFailures.imageBuild('st1', 'ImageLogs/1/build.log')
      ]),
      'image-build-failure'
    ],
    [
      'a registry refusal in the error',
      'deployment',
      azureError(
        'ImageBuildFailure',
        'unauthorized: authentication required, visit https://aka.ms/acr/authorization'
      ),
      'registry-authorization'
    ],
    [
      "a workspace that lost its vault's policy",
      'environment',
      azureError(
        'UserError',
        "The user, group or application 'appid=…' does not have secrets get permission on key vault 'kv-ml;location=westeurope'."
      ),
      'workspace-key-vault-access-lost'
    ],
    [
      'a model download that found no blob',
      'deployment',
      azureError('DeploymentFailed', 'Failed.', 200, [
        deploymentFailures.modelDownload(
          'model',
          'azureml://x',
          "BlobNotFound: no blob named 'LocalUpload/x'"
        )
      ]),
      'model-download-failed'
    ],
    [
      'a crash loop without logs',
      'deployment',
      azureError('DeploymentFailed', 'Failed.', 200, [deploymentFailures.crashLoop('Kubernetes', 3)]),
      'container-start-failed'
    ],
    [
      'BadArgument',
      'endpoint',
      azureError('UserError', 'bad', 400, [
        {
          code: 'BadArgument',
          message: "Instance type 'Standard_XYZ' is not supported.",
          target: 'instanceType'
        }
      ]),
      'bad-argument'
    ],
    [
      'ResourceNotFound',
      'model',
      azureError(
        'ResourceNotFound',
        "The Resource 'Microsoft.MachineLearningServices/workspaces/ws' under resource group 'rg' was not found.",
        404
      ),
      'resource-not-found'
    ],
    [
      'OperationCanceled',
      'deployment',
      azureError('OperationCanceled', 'The operation was canceled.', 200),
      'operation-canceled'
    ],
    [
      'throttling beyond the retries',
      'model',
      azureError('TooManyRequests', 'Rate limit.', 429),
      'throttled'
    ],
    [
      "the run's deadline",
      'deployment',
      new DeadlineExceededError(
        "The run reached its 1 min budget (input 'timeout-minutes') and stopped waiting."
      ),
      'deadline-exceeded'
    ],
    [
      'Key Vault purge protection',
      'infra',
      azureError(
        'BadRequest',
        'The property "enablePurgeProtection" cannot be set to false. Enabling the purge protection for a vault is an irreversible action.'
      ),
      'key-vault-purge-protection'
    ],
    [
      'a soft-deleted vault name',
      'infra',
      azureError(
        'ConflictError',
        'A vault with the same name already exists in deleted state. You need to either recover or purge existing key vault.',
        409
      ),
      'key-vault-soft-deleted'
    ],
    [
      'a taken vault name',
      'infra',
      azureError('VaultAlreadyExists', "The vault name 'kv-x' is already in use.", 409),
      'key-vault-name-taken'
    ],
    [
      'a concurrent vault write',
      'infra',
      azureError(
        'ConflictError',
        "The operation failed because the Key Vault 'kv-x' changed from the point the operation began.",
        409
      ),
      'key-vault-concurrent-write'
    ],
    [
      'a failed sign-in',
      'sign-in',
      new CredentialChainError([
        { name: 'GitHub OIDC', failure: 'AADSTS700213', advice: 'Fix the subject.' }
      ]),
      'sign-in-failed'
    ],
    [
      'anything else',
      'traffic',
      azureError('InternalServerError', 'Something broke.', 500),
      'unknown-failure'
    ]
  ])('recognises %s', (_what, stage, error, id) => {
    expect(explainFailure(facts(stage, error), {}).id).toBe(id);
  });

  it('keeps stage-bound entries to their stages: an ImageBuildFailure code outside the image stages is not a build', () => {
    expect(explainFailure(facts('infra', azureError('ImageBuildFailure', 'x')), {}).id).toBe(
      'unknown-failure'
    );
  });

  it('explains an unknown failure with stage, operation, code, message, correlation id and the last log lines', () => {
    const finding = explainFailure(
      facts('traffic', azureError('InternalServerError', 'Something broke.', 500)),
      {
        recentLog: 'Moving traffic to blue\nPUT endpoint'
      }
    );
    expect(finding).toMatchObject({ severity: 'error', stage: 'traffic', rank: RANK.rootCause });
    expect(finding.evidence[0]!.text).toBe(
      [
        'Stage: traffic',
        "Operation: create online deployment 'blue' on endpoint 'ep' (HTTP 500)",
        'Code: InternalServerError',
        'Message: Something broke.',
        'Correlation id: corr-1',
        'Request id: req-1'
      ].join('\n')
    );
    expect(finding.evidence[1]).toEqual({
      title: 'Step log (last lines)',
      text: 'Moving traffic to blue\nPUT endpoint'
    });
  });

  it('locates a failed template resource and keeps its own code, with a more specific entry when there is one', () => {
    const operation = {
      resourceId: '/x/vaults/kv-1',
      resourceType: 'Microsoft.KeyVault/vaults',
      resourceName: 'kv-1',
      statusCode: 'Conflict',
      error: { code: 'ConflictError', message: 'A vault with the same name already exists in deleted state.' }
    };
    const error = new TemplateDeploymentFailedError(
      'main',
      azureError('DeploymentFailed', 'At least one resource deployment operation failed.'),
      [operation]
    );
    const parent = facts('infra', error);
    expect(parent.failedOperations).toHaveLength(1);
    const env: DiagnosisEnv = {
      failedResources: [
        {
          resourceType: 'Microsoft.KeyVault/vaults',
          resourceName: 'kv-1',
          code: 'ConflictError',
          message: '',
          file: 'main.json',
          line: 21
        }
      ]
    };
    const finding = explainFailure(operationFacts(parent, operation), env);
    expect(finding).toMatchObject({
      id: 'key-vault-soft-deleted',
      location: { file: 'main.json', line: 21 },
      rank: RANK.rootCauseAtLine
    });
    expect(finding.cause).toContain("Key Vault 'kv-1' was deleted");
    const other = {
      ...operation,
      resourceType: 'Microsoft.Storage/storageAccounts',
      resourceName: 'st1',
      error: { code: 'StorageAccountAlreadyTaken', message: 'taken' }
    };
    expect(explainFailure(operationFacts(parent, other), env)).toMatchObject({
      id: 'deployment-operation-failed',
      title: 'Template deployment failed',
      cause: "Microsoft.Storage/storageAccounts 'st1' failed: StorageAccountAlreadyTaken: taken"
    });
  });

  it("maps an init() traceback from the deployment's log to the repository and compares the model path", () => {
    const crash = azureError('DeploymentFailed', 'Failed.', 200, [
      deploymentFailures.crashLoop('Managed', 2)
    ]);
    const error = new OnlineDeploymentFailedError(
      crash,
      'blue',
      'ep',
      'traffic stays green 100%',
      undefined,
      {
        inferenceServer: INIT_FAILURE_LOG
      }
    );
    const finding = explainFailure(facts('deployment', error), codeFolder());
    expect(finding).toMatchObject({
      id: 'container-start-failed',
      title: 'Scoring script failed',
      location: { file: 'src/score.py', line: 2 }
    });
    expect(finding.cause).toContain(
      "UserScriptInitFailed): FileNotFoundError: [Errno 2] No such file or directory: '/var/azureml-app/azureml-models/linear/1/linear.json' (src/score.py line 2, in init). Your code opened 'linear.json' in the model directory; the model directory contains 'model/linear.json'."
    );
    expect(finding.fix).toContain('os.path.join(os.environ["AZUREML_MODEL_DIR"], "model", "linear.json")');
    expect(finding.evidence.map(e => e.title)).toEqual([
      'Traceback (from the InferenceServer log)',
      'Model directory'
    ]);
  });

  it('names a missing init() and points at the scoring script', () => {
    const log = [
      '2024-05-01 10:00:01,000 E [12] azmlinfsrv - The entry script src/score.py does not have a init() function defined.',
      '2024-05-01 10:00:01,100 I [12] azmlinfsrv - Worker exiting'
    ].join('\n');
    const error = new OnlineDeploymentFailedError(
      azureError('ResourceNotReady', 'crashed', 200),
      'blue',
      'ep',
      '',
      undefined,
      { inferenceServer: log }
    );
    const finding = explainFailure(facts('deployment', error), codeFolder());
    expect(finding).toMatchObject({ title: 'Scoring script failed', location: { file: 'src/score.py' } });
    expect(finding.fix).toBe('Define both init() and run(raw_data) at the top level of the scoring script.');
  });

  it('tells a storage permission problem from a missing blob', () => {
    const denied = azureError('DeploymentFailed', 'Failed.', 200, [
      deploymentFailures.modelDownload(
        'model',
        'azureml://x',
        'AuthorizationPermissionMismatch: This request is not authorized to perform this operation using this permission.'
      )
    ]);
    expect(explainFailure(facts('deployment', denied), {}).fix).toContain('Storage Blob Data Reader');
  });

  it('points an image build at the conda line of the package the index lacks, with the build log', () => {
    const error = azureError('DeploymentFailed', 'Failed.', 200, [
      deploymentFailures.imageBuild('st1', 'ImageLogs/1/build.log')
    ]);
    const env: DiagnosisEnv = {
      condaFile: { displayPath: 'env/conda.yml', text: 'dependencies:\n  - pip:\n    - nosuchpkg==1.0\n' },
      buildLog: {
        source: 'storage account',
        text: 'Step 3/7 : RUN conda env create\nERROR: No matching distribution found for nosuchpkg==1.0\nCondaEnvException: Pip failed\n'
      }
    };
    const finding = explainFailure(facts('deployment', error), env);
    expect(finding).toMatchObject({
      id: 'image-build-failure',
      location: { file: 'env/conda.yml', line: 3 }
    });
    expect(finding.cause).toBe(
      "Azure could not build the environment's image in step 3/7 (RUN conda env create): pip could not find 'nosuchpkg==1.0' on its channels or package index."
    );
    expect(finding.evidence[0]!.text).toContain(
      '>> ERROR: No matching distribution found for nosuchpkg==1.0'
    );
  });

  it('says where the build log is when it could not be read', () => {
    const error = azureError('DeploymentFailed', 'Failed.', 200, [
      deploymentFailures.imageBuild('st1', 'ImageLogs/9/build.log')
    ]);
    expect(explainFailure(facts('deployment', error), {}).cause).toContain(
      "the build log is in storage account 'st1', container 'azureml', blob 'ImageLogs/9/build.log'"
    );
  });
});
