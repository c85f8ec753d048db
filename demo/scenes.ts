import { outOfBandClients } from '../harness/azure-clients.js';
import { runAction, type ActionRun } from '../harness/run-action.js';
import { brokenScoringScriptScene } from './model-scene.js';
import type { DemoStage, Scene, SceneResult } from './scene.js';

/** An identity someone grants access by hand (the ML workspace's, an app's): what a template redeploy wipes. */
const HAND_ADDED = '0b5e55ed-0000-4000-8000-00000000a11c';
const RESOURCE_GROUP = 'rg-demo-mlops';

/** The workflow step every scene runs: the example template, its parameters, a secret passed inline. */
function deployExample(stage: DemoStage, extra: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    inputs: {
      ...stage.azureInputs,
      'resource-group': RESOURCE_GROUP,
      location: 'westeurope',
      template: 'infra/ml-workspace.json',
      parameters: `infra/ml-workspace.parameters.json\nadminPassword=${stage.secret}`,
      ...extra
    },
    env: stage.runnerEnv,
    workspace: stage.workspace
  });
}

function vaultOf(run: ActionRun): {
  name: string;
  action: string;
  policiesBefore: number;
  policiesKept: number | null;
} {
  return (
    (JSON.parse(run.outputs['key-vaults'] ?? '[]') as never[])[0] ?? {
      name: '',
      action: '',
      policiesBefore: 0,
      policiesKept: null
    }
  );
}

async function grantByHand(stage: DemoStage, vault: string): Promise<void> {
  const clients = outOfBandClients(stage.emulator);
  try {
    await clients.factory.keyVault().vaults.updateAccessPolicy(RESOURCE_GROUP, vault, 'add', {
      properties: {
        accessPolicies: [
          {
            tenantId: stage.emulator.facts.tenantId,
            objectId: HAND_ADDED,
            permissions: { secrets: ['get', 'list'], keys: ['wrapKey', 'unwrapKey'] }
          }
        ]
      }
    });
  } finally {
    clients.dispose();
  }
}

async function handAddedPresent(stage: DemoStage, vault: string): Promise<boolean> {
  const clients = outOfBandClients(stage.emulator);
  try {
    const found = await clients.factory.keyVault().vaults.get(RESOURCE_GROUP, vault);
    return (found.properties.accessPolicies ?? []).some(p => p.objectId === HAND_ADDED);
  } finally {
    clients.dispose();
  }
}

function noSecretShown(stage: DemoStage, run: ActionRun): SceneResult['checks'][number] {
  const shown = run.visibleLog + run.stderr + run.summary + JSON.stringify(run.outputs);
  return {
    expectation: 'the securestring parameter is masked and shown nowhere',
    ok: run.masks.includes(stage.secret) && !shown.includes(stage.secret)
  };
}

/** The scenes, in the order a newcomer should see them. */
export const SCENES: Scene[] = [
  {
    title: 'first deployment: OIDC sign-in, resource group, ML workspace template with its Key Vault',
    async play(stage) {
      const run = await deployExample(stage);
      const vault = vaultOf(run);
      return {
        runs: [run],
        digest: [
          `status=${run.outputs.status}; vault ${vault.name}: ${vault.action}; changes-detected=${run.outputs['changes-detected']}`
        ],
        checks: [
          { expectation: 'the step succeeds', ok: run.exitCode === 0, detail: run.visibleLog.slice(-800) },
          { expectation: 'the vault is created as the template declares it', ok: vault.action === 'create' },
          noSecretShown(stage, run)
        ]
      };
    }
  },
  {
    title:
      'someone grants the workspace identity access by hand; the re-run keeps it and writes nothing else',
    async play(stage) {
      const vault = vaultOf(await deployExample(stage, { 'dry-run': 'true' })).name;
      await grantByHand(stage, vault);
      const run = await deployExample(stage);
      const kept = await handAddedPresent(stage, vault);
      const report = vaultOf(run);
      return {
        runs: [run],
        digest: [
          `vault ${vault}: ${report.action}, ${report.policiesKept}/${report.policiesBefore} policies kept; hand-added policy present: ${kept}`
        ],
        checks: [
          { expectation: 'the step succeeds', ok: run.exitCode === 0, detail: run.visibleLog.slice(-800) },
          { expectation: 'the hand-added policy survives the redeploy', ok: kept },
          {
            expectation: 'the vault is not rewritten (the template changes nothing in it)',
            ok: /not rewritten/.test(run.stdout)
          }
        ]
      };
    }
  },
  {
    title: 'the problem, reproduced: the same re-run with key-vault-policy: off wipes the hand-added policy',
    async play(stage) {
      const vault = vaultOf(await deployExample(stage, { 'dry-run': 'true' })).name;
      const before = await handAddedPresent(stage, vault);
      const run = await deployExample(stage, { 'key-vault-policy': 'off' });
      const after = await handAddedPresent(stage, vault);
      return {
        runs: [run],
        digest: [
          `hand-added policy before: ${before}, after: ${after} (accessPolicies: [] replaced the vault's list)`
        ],
        checks: [
          {
            expectation: 'the step succeeds (Azure reports no error: that is the problem)',
            ok: run.exitCode === 0
          },
          { expectation: 'the policy was there before the run', ok: before },
          { expectation: 'the policy is gone after it', ok: !after }
        ]
      };
    }
  },
  brokenScoringScriptScene
];
