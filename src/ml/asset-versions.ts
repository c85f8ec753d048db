import { azureCall, AzureOperationError } from '../azure/azure-error.js';
import type { AssetVersionReport } from './ml-result.js';
import type { RegisteredAsset } from '../config/ml-specs.js';
import type { MlScope } from './ml-workspace.js';

/** The three asset kinds the deployment references, as their REST collections are named. */
export type AssetKind = 'models' | 'codes' | 'environments';

const LABEL: Record<AssetKind, string> = { models: 'model', codes: 'code', environments: 'environment' };

/** A registered version as the service returns it. */
export interface ExistingVersion {
  version: string;
  id: string;
  properties: Record<string, unknown>;
}

interface VersionOperations {
  list(
    rg: string,
    ws: string,
    name: string,
    o: object
  ): AsyncIterable<{ name?: string; id?: string; properties: object }>;
  get(rg: string, ws: string, name: string, version: string, o: object): Promise<{ id?: string }>;
  createOrUpdate(
    rg: string,
    ws: string,
    name: string,
    version: string,
    body: { properties: never },
    o: object
  ): Promise<{ id?: string; properties: object }>;
}

function operations(scope: MlScope, kind: AssetKind): VersionOperations {
  const { client } = scope;
  const byKind = {
    models: client.modelVersions,
    codes: client.codeVersions,
    environments: client.environmentVersions
  };
  return byKind[kind] as unknown as VersionOperations;
}

/**
 * Every version of an asset; none when the asset does not exist yet (Azure answers 404 for its container).
 * Listing is a read: it is how a re-run finds the version an earlier run registered.
 */
export async function listVersions(
  scope: MlScope,
  kind: AssetKind,
  name: string
): Promise<ExistingVersion[]> {
  const versions: ExistingVersion[] = [];
  try {
    await azureCall(`list the versions of ${LABEL[kind]} '${name}'`, async () => {
      for await (const item of operations(scope, kind).list(
        scope.resourceGroup,
        scope.workspace,
        name,
        scope.options
      )) {
        versions.push({
          version: item.name!,
          id: item.id!,
          properties: item.properties as Record<string, unknown>
        });
      }
    });
  } catch (error) {
    if (error instanceof AzureOperationError && error.status === 404) return [];
    throw error;
  }
  return versions;
}

/** One more than the highest numeric version, as `az ml` numbers versions it chooses; '1' for a new asset. */
export function nextVersion(existing: readonly ExistingVersion[]): string {
  const numbers = existing.map(v => Number(v.version)).filter(n => Number.isInteger(n) && n >= 0);
  return String(numbers.length > 0 ? Math.max(...numbers) + 1 : 1);
}

function latestVersion(versions: readonly ExistingVersion[]): string | undefined {
  const numbers = versions.map(v => Number(v.version)).filter(n => Number.isInteger(n) && n >= 0);
  return numbers.length > 0 ? String(Math.max(...numbers)) : undefined;
}

/** Registers a version (a PUT of an immutable resource: a new version number, or identical content). */
export async function registerVersion(
  scope: MlScope,
  kind: AssetKind,
  name: string,
  version: string,
  properties: Record<string, unknown>
): Promise<ExistingVersion> {
  const created = await azureCall(`register ${LABEL[kind]} version '${name}:${version}'`, () =>
    operations(scope, kind).createOrUpdate(
      scope.resourceGroup,
      scope.workspace,
      name,
      version,
      { properties: properties as never },
      scope.options
    )
  );
  return { version, id: created.id!, properties: created.properties as Record<string, unknown> };
}

/**
 * A version the user named (`azureml:name:version`, `azureml:name@latest`, or a full id), checked to exist,
 * so a typo fails here rather than in the deployment's LRO minutes later.
 */
export async function resolveRegistered(
  scope: MlScope,
  kind: AssetKind,
  asset: RegisteredAsset,
  workspaceId: string
): Promise<AssetVersionReport> {
  if (!asset.name) {
    const id = asset.reference.replace(/^azureml:/i, '');
    return { name: id.split('/').at(-3) ?? id, version: id.split('/').at(-1) ?? '', id, action: 'given' };
  }
  const name = asset.name;
  // `@latest` (the only label Azure ML defines for every asset) is the highest version number.
  const version = asset.version ?? latestVersion(await listVersions(scope, kind, name));
  if (!version) {
    throw new AzureOperationError(
      `resolve ${asset.reference}`,
      404,
      'NotFound',
      `${LABEL[kind]} '${name}' has no numbered version in workspace '${scope.workspace}'.`,
      [],
      undefined,
      undefined
    );
  }
  const found = await azureCall(`read ${LABEL[kind]} version '${name}:${version}'`, () =>
    operations(scope, kind).get(scope.resourceGroup, scope.workspace, name, version, scope.options)
  );
  return {
    name,
    version,
    id: found.id ?? `${workspaceId}/${kind}/${name}/versions/${version}`,
    action: 'given'
  };
}

/** A version found or registered by {@link ensureVersion}. */
export interface EnsuredVersion {
  version: string;
  id: string;
  reused: boolean;
}

const REGISTER_ATTEMPTS = 3;

/**
 * Finds a version with the wanted content, or registers one. `prepare` (an upload) runs only when none
 * exists and returns the version's properties. Versions are immutable: a `requested` version that exists with
 * other content is an error to fix; an automatically numbered one that another run took first (409) makes
 * this look again — that run may have registered the same content — and otherwise take the next number.
 */
export async function ensureVersion(
  scope: MlScope,
  kind: AssetKind,
  name: string,
  requested: string | undefined,
  isSame: (version: ExistingVersion) => boolean,
  prepare: () => Promise<Record<string, unknown>>
): Promise<EnsuredVersion> {
  const find = (versions: ExistingVersion[]) =>
    versions.find(v => (requested === undefined || v.version === requested) && isSame(v));
  let existing = await listVersions(scope, kind, name);
  let same = find(existing);
  if (same) return { version: same.version, id: same.id, reused: true };
  if (requested !== undefined && existing.some(v => v.version === requested)) {
    throw new Error(
      `${LABEL[kind]} '${name}' version ${requested} already exists with other content; versions are ` +
        "immutable. Remove 'version' to let the action number the new content, or raise it."
    );
  }
  const properties = await prepare();
  for (let attempt = 1; ; attempt++) {
    const version = requested ?? nextVersion(existing);
    try {
      const registered = await registerVersion(scope, kind, name, version, properties);
      return { version, id: registered.id, reused: false };
    } catch (error) {
      const taken = error instanceof AzureOperationError && error.status === 409;
      if (!taken || requested !== undefined || attempt >= REGISTER_ATTEMPTS) throw error;
      existing = await listVersions(scope, kind, name);
      same = find(existing);
      if (same) return { version: same.version, id: same.id, reused: true };
    }
  }
}
