import { runAction } from '../harness/run-action.js';
import type { Scene } from './scene.js';

/** The scenes, in the order a newcomer should see them. */
export const SCENES: Scene[] = [
  {
    title: 'first deployment: sign in with GitHub OIDC and create the resource group',
    async play(stage) {
      const run = await runAction({
        inputs: { ...stage.azureInputs, 'resource-group': 'rg-demo', location: 'westeurope' },
        env: stage.runnerEnv,
        workspace: stage.workspace
      });
      const writes = stage.emulator.requestLog.writes().filter(e => e.service === 'arm');
      return {
        runs: [run],
        digest: [
          `status=${run.outputs.status}, ${writes.length} ARM write(s): ${writes.map(w => `${w.method} ${w.path}`).join(', ')}`
        ],
        checks: [
          { expectation: 'the step succeeds', ok: run.exitCode === 0, detail: run.stdout.slice(-500) },
          { expectation: 'exactly one write: the resource group', ok: writes.length === 1 }
        ]
      };
    }
  }
];
