import type { Stage } from '../run/stage.js';
import type { MlContext } from './ml-context.js';
import { ensureVersion, resolveRegistered } from './asset-versions.js';
import type { AssetVersionReport } from './ml-result.js';
import type { InlineEnvironment } from '../config/ml-specs.js';
import { mlScope, readWorkspace, type MlScope } from './ml-workspace.js';
import { describeAsset } from './uploaded-asset.js';

/**
 * The environment: a base image, optionally with a conda file. An existing version with the same image and
 * conda file is reused (a new version would make Azure build the same image again); otherwise the next
 * version is registered.
 */
export const environmentStage: Stage<MlContext> = {
  name: 'environment',
  title: 'Environment',
  async run(context: MlContext): Promise<string> {
    const scope = mlScope(context);
    const environment = scope.config.deployment.environment!;
    const workspace = await readWorkspace(scope);
    scope.result.environment =
      environment.kind === 'registered'
        ? await resolveRegistered(scope, 'environments', environment, workspace.id)
        : await ensureEnvironment(scope, environment);
    return describeAsset(scope.result.environment);
  }
};

async function ensureEnvironment(
  scope: MlScope,
  environment: InlineEnvironment
): Promise<AssetVersionReport> {
  const name = environment.name ?? `${scope.result.endpointName}-env`;
  const wanted: Record<string, unknown> = {
    image: environment.image!,
    osType: 'Linux',
    ...(environment.condaFile ? { condaFile: condaText(environment.condaFile) } : {}),
    ...(environment.description ? { description: environment.description } : {})
  };
  const ensured = await ensureVersion(
    scope,
    'environments',
    name,
    environment.version,
    version =>
      version.properties.image === wanted.image &&
      normalised(version.properties.condaFile) === normalised(wanted.condaFile),
    () => Promise.resolve(wanted)
  );
  return {
    name,
    version: ensured.version,
    id: ensured.id,
    action: ensured.reused ? 'reused' : 'registered'
  };
}

function condaText(file: { displayPath: string; text?: string }): string {
  if (file.text === undefined)
    throw new Error(`The conda file ${file.displayPath} was not read by the configuration.`);
  return file.text;
}

/** Conda files compare by content, not by line endings or trailing blanks an editor may add. */
function normalised(text: unknown): string {
  return typeof text === 'string' ? text.replace(/\r\n/g, '\n').replace(/\s+$/, '') : '';
}
