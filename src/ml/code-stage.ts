import type { Stage } from '../run/stage.js';
import type { MlContext } from './ml-context.js';
import { resolveRegistered } from './asset-versions.js';
import { mlScope, readWorkspace } from './ml-workspace.js';
import { describeAsset, ensureUploadedAsset } from './uploaded-asset.js';

/** The scoring code: the folder holding the scoring script, uploaded and registered like a model. */
export const codeStage: Stage<MlContext> = {
  name: 'code',
  title: 'Code',
  async run(context: MlContext): Promise<string> {
    const scope = mlScope(context);
    const { code } = scope.config.deployment.codeConfiguration!;
    const workspace = await readWorkspace(scope);
    scope.result.code =
      code.kind === 'registered'
        ? await resolveRegistered(scope, 'codes', code, workspace.id)
        : await ensureUploadedAsset(context, scope, {
            kind: 'codes',
            name: `${scope.result.endpointName}-code`,
            path: code,
            properties: {}
          });
    return describeAsset(scope.result.code);
  }
};
