import type { Stage } from '../run/stage.js';
import type { MlContext } from './ml-context.js';
import { resolveRegistered } from './asset-versions.js';
import { mlScope, readWorkspace } from './ml-workspace.js';
import { describeAsset, ensureUploadedAsset } from './uploaded-asset.js';

/**
 * The model: a registered one is checked to exist; local files are hashed, uploaded unless an identical
 * version exists, and registered as the next version.
 */
export const modelStage: Stage<MlContext> = {
  name: 'model',
  title: 'Model',
  async run(context: MlContext): Promise<string> {
    const scope = mlScope(context);
    const model = scope.config.deployment.model!;
    const workspace = await readWorkspace(scope);
    scope.result.model =
      model.kind === 'registered'
        ? await resolveRegistered(scope, 'models', model, workspace.id)
        : await ensureUploadedAsset(context, scope, {
            kind: 'models',
            name: model.name ?? `${scope.result.endpointName}-model`,
            ...(model.version !== undefined ? { version: model.version } : {}),
            path: model.path,
            properties: {
              modelType: model.type,
              ...(model.description ? { description: model.description } : {})
            }
          });
    return describeAsset(scope.result.model);
  }
};
