import { setTimeout as sleep } from 'node:timers/promises';
import type { ArmErrorDetail, HttpResult } from '../../http-result.js';
import type { JwtClaims } from '../../identity/jwt.js';
import type { ProviderContext } from '../../arm/provider.js';
import type { StoredResource } from '../../arm/resource-store.js';
import { resourceGroupNotFound } from '../../arm/resource-groups.js';
import {
  type AccessPolicyEntry,
  type AccessPolicyUpdateKind,
  updateAccessPolicies
} from './access-policy-operations.js';
import { findDeletedVault, normalizeLocation, softDelete, takeForRecovery } from './deleted-vaults.js';
import {
  clearVaultBusy,
  dnsRegistrationMs,
  markVaultBusy,
  vaultBusyForMs,
  writeBusyMs
} from './vault-activity.js';
import {
  ACCESS_POLICIES_TYPE,
  isVault,
  patchedProperties,
  presentVault,
  replacedProperties,
  systemData
} from './vault-document.js';
import { vaultErrors } from './vault-errors.js';
import {
  identityProblem,
  isObject,
  MAX_ACCESS_POLICIES,
  protectionProblem,
  readAccessPolicies,
  vaultNameProblem
} from './vault-validation.js';

/** What the Key Vault writes need from the emulator: the ProviderContext, or the deployment engine's. */
export type VaultContext = Pick<ProviderContext, 'store' | 'lro' | 'knobs'>;

/** Who is calling, for `systemData`. */
export interface VaultCallOptions {
  claims?: JwtClaims;
}

/** An HTTP answer, with the ARM error pulled out when it is one. */
export interface VaultWriteResult extends HttpResult {
  error?: ArmErrorDetail;
}

const RESOURCE_GROUP_PATH = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)$/i;

function result(answer: HttpResult): VaultWriteResult {
  const error = (answer.body as { error?: ArmErrorDetail } | undefined)?.error;
  return answer.status >= 400 && error ? { ...answer, error } : answer;
}

function parseGroup(
  resourceGroupPath: string
): { subscriptionId: string; resourceGroup: string } | undefined {
  const match = RESOURCE_GROUP_PATH.exec(resourceGroupPath.replace(/\/+$/, ''));
  return match ? { subscriptionId: match[1], resourceGroup: decodeURIComponent(match[2]) } : undefined;
}

/** The id of a vault in a resource group. */
export function vaultId(resourceGroupPath: string, name: string): string {
  return `${resourceGroupPath.replace(/\/+$/, '')}/providers/Microsoft.KeyVault/vaults/${name}`;
}

/** ARM's 404 for a vault, naming it as ARM does. */
export function vaultNotFound(resourceGroup: string, name: string): HttpResult {
  return vaultErrors.resourceNotFound(`Microsoft.KeyVault/vaults/${name}`, resourceGroup);
}

function activeVaultNamed(ctx: VaultContext, name: string): StoredResource | undefined {
  return ctx.store
    .list({ type: 'Microsoft.KeyVault/vaults' })
    .find(doc => doc.name.toLowerCase() === name.toLowerCase());
}

function busy(ctx: VaultContext, id: string, name: string): HttpResult | undefined {
  return vaultBusyForMs(ctx.store, id) > 0 ? vaultErrors.concurrentWrite(name) : undefined;
}

// A new or recovered vault registers its DNS name: PUT answers at once with `RegisteringDns` and clients poll
// the vault until `Succeeded` (body polling, as in the recording). The vault is busy meanwhile.
function startRegistration(ctx: VaultContext, id: string): StoredResource {
  const ms = dnsRegistrationMs(ctx.knobs);
  // Busy first: the vault must take writes again by the time a client sees `Succeeded`.
  markVaultBusy(ctx.store, id, ms);
  ctx.lro.bodyPolling(ctx.store, id, ['RegisteringDns', 'Succeeded'], ms);
  return ctx.store.get(id) as StoredResource;
}

// An update runs for `keyVaultWriteBusyMs`: its effect is visible at once, its answer comes at the end, and
// any other write arriving meanwhile gets 409. A caller that waits for its answer never collides with itself.
async function finishUpdate(ctx: VaultContext, id: string): Promise<StoredResource> {
  const ms = writeBusyMs(ctx.knobs);
  markVaultBusy(ctx.store, id, ms);
  if (ms > 0) await sleep(ms);
  return ctx.store.get(id) as StoredResource;
}

function recover(ctx: VaultContext, id: string, name: string, claims: JwtClaims | undefined): HttpResult {
  const snapshot = takeForRecovery(ctx.store, name);
  if (!snapshot) return vaultErrors.nothingToRecover();
  // Recovery brings the vault back as it was deleted (policies included); the request's other properties
  // are not applied — a later PUT or PATCH does that.
  ctx.store.put(id, {
    location: snapshot.location,
    tags: snapshot.tags ?? {},
    systemData: systemData(claims, snapshot.systemData),
    properties: { ...snapshot.properties, provisioningState: 'RegisteringDns' }
  });
  return { status: 200, body: presentVault(startRegistration(ctx, id)) };
}

function validatePut(name: string, body: unknown, createMode: string): HttpResult | undefined {
  if (!isObject(body)) return vaultErrors.invalidBody();
  const nameProblem = vaultNameProblem(name);
  if (nameProblem) return nameProblem;
  if (typeof body.location !== 'string' || body.location.trim() === '') return vaultErrors.locationRequired();
  if (!isObject(body.properties)) return vaultErrors.notSpecified('properties');
  if (!['default', 'recover'].includes(createMode)) return vaultErrors.invalidValue('createMode');
  const identity = identityProblem(body.properties, true);
  if (identity) return identity;
  if (createMode === 'default' && body.properties.accessPolicies === undefined) {
    return vaultErrors.notSpecified('accessPolicies');
  }
  return undefined;
}

// Vault names are global: taken by an active vault elsewhere, or by a soft-deleted vault until it is
// recovered or purged.
function nameConflict(
  ctx: VaultContext,
  id: string,
  name: string,
  createMode: string,
  existing: StoredResource | undefined
): HttpResult | undefined {
  const holder = activeVaultNamed(ctx, name);
  if (holder && holder.id.toLowerCase() !== id.toLowerCase()) return vaultErrors.alreadyExists(name);
  if (createMode === 'recover') return existing ? vaultErrors.nothingToRecover() : undefined;
  if (!existing && findDeletedVault(ctx.store, name)) return vaultErrors.softDeletedExists();
  return undefined;
}

interface Replacement {
  id: string;
  name: string;
  resourceGroup: string;
  body: { location: string; tags?: Record<string, string>; properties: Record<string, unknown> };
  existing: StoredResource | undefined;
  claims: JwtClaims | undefined;
}

async function createOrReplace(ctx: VaultContext, change: Replacement): Promise<HttpResult> {
  const { id, name, body, existing } = change;
  const policies = readAccessPolicies(body.properties.accessPolicies);
  if ('error' in policies) return policies.error;
  const protection = protectionProblem(body.properties, existing?.properties);
  if (protection) return protection;
  if (existing) {
    const where = String(existing.location ?? '');
    if (normalizeLocation(where) !== normalizeLocation(body.location)) {
      return vaultErrors.locationChanged(name, where, change.resourceGroup, body.location);
    }
    const conflict = busy(ctx, id, name);
    if (conflict) return conflict;
  }
  const properties = replacedProperties(name, body.properties, policies.entries, existing?.properties);
  ctx.store.put(id, {
    location: existing?.location ?? body.location,
    tags: body.tags ?? {},
    systemData: systemData(change.claims, existing?.systemData),
    properties: { ...properties, provisioningState: existing ? 'Succeeded' : 'RegisteringDns' }
  });
  const stored = existing ? await finishUpdate(ctx, id) : startRegistration(ctx, id);
  return { status: 200, body: presentVault(stored) };
}

/**
 * `PUT .../vaults/{name}` with the resource provider's semantics: create, recover (`createMode: recover`) or
 * replace. `properties.accessPolicies` replaces the vault's list wholesale. Vault names are global: a name
 * held by another active vault is 409 `VaultAlreadyExists`, one held by a soft-deleted vault is 409
 * `ConflictError` unless the request recovers it. Callable in-process by the deployment engine.
 */
export async function putVault(
  ctx: VaultContext,
  resourceGroupPath: string,
  name: string,
  body: unknown,
  options: VaultCallOptions = {}
): Promise<VaultWriteResult> {
  const group = parseGroup(resourceGroupPath);
  if (!group || !ctx.store.has(resourceGroupPath)) {
    return result(resourceGroupNotFound(group?.resourceGroup ?? resourceGroupPath));
  }
  const requested = isObject(body) && isObject(body.properties) ? body.properties : {};
  const createMode = String(requested.createMode ?? 'default').toLowerCase();
  const invalid = validatePut(name, body, createMode);
  if (invalid) return result(invalid);
  const id = vaultId(resourceGroupPath, name);
  const existing = ctx.store.get(id);
  const conflict = nameConflict(ctx, id, name, createMode, existing);
  if (conflict) return result(conflict);
  if (createMode === 'recover') return result(recover(ctx, id, name, options.claims));
  const { resourceGroup } = group;
  const change = {
    id,
    name,
    resourceGroup,
    body: body as Replacement['body'],
    existing,
    claims: options.claims
  };
  return result(await createOrReplace(ctx, change));
}

/** `PATCH .../vaults/{name}` (VaultPatchParameters): merges tags and properties; accessPolicies still replace. */
export async function patchVault(
  ctx: VaultContext,
  resourceGroupPath: string,
  name: string,
  body: unknown,
  options: VaultCallOptions = {}
): Promise<VaultWriteResult> {
  const group = parseGroup(resourceGroupPath);
  const id = vaultId(resourceGroupPath, name);
  const existing = ctx.store.get(id);
  if (!group || !existing || !isVault(existing))
    return result(vaultNotFound(group?.resourceGroup ?? '', name));
  if (body !== undefined && !isObject(body)) return result(vaultErrors.invalidBody());
  const change = (body ?? {}) as { tags?: unknown; properties?: unknown };
  const requested = isObject(change.properties) ? change.properties : {};
  const invalid = identityProblem(requested, false) ?? protectionProblem(requested, existing.properties);
  if (invalid) return result(invalid);
  let accessPolicies: AccessPolicyEntry[] | undefined;
  if (requested.accessPolicies !== undefined) {
    const read = readAccessPolicies(requested.accessPolicies);
    if ('error' in read) return result(read.error);
    accessPolicies = read.entries;
  }
  const conflict = busy(ctx, id, name);
  if (conflict) return result(conflict);
  ctx.store.update(id, doc => {
    if (isObject(change.tags)) doc.tags = change.tags as Record<string, string>;
    doc.properties = patchedProperties(doc.properties ?? {}, requested, accessPolicies);
    doc.systemData = systemData(options.claims, doc.systemData);
  });
  return { status: 200, body: presentVault(await finishUpdate(ctx, id)) };
}

/**
 * `PUT .../vaults/{name}/accessPolicies/{add|replace|remove}`: changes only the principals named, per
 * {@link updateAccessPolicies}. Also what a template's `Microsoft.KeyVault/vaults/accessPolicies` resource
 * named `{vault}/add` (or replace, remove) does. Answers the VaultAccessPolicyParameters shape with the
 * request's entries (updateAccessPoliciesAdd.json).
 */
export async function applyVaultAccessPolicies(
  ctx: VaultContext,
  resourceGroupPath: string,
  name: string,
  operationKind: string,
  body: unknown
): Promise<VaultWriteResult> {
  const group = parseGroup(resourceGroupPath);
  const id = vaultId(resourceGroupPath, name);
  const existing = ctx.store.get(id);
  if (!group || !existing || !isVault(existing))
    return result(vaultNotFound(group?.resourceGroup ?? '', name));
  const operation = operationKind.toLowerCase() as AccessPolicyUpdateKind;
  if (!['add', 'replace', 'remove'].includes(operation))
    return result(vaultErrors.invalidValue('operationKind'));
  const properties = isObject(body) && isObject(body.properties) ? body.properties : undefined;
  if (!properties || properties.accessPolicies === undefined) {
    return result(vaultErrors.notSpecified('accessPolicies'));
  }
  const read = readAccessPolicies(properties.accessPolicies);
  if ('error' in read) return result(read.error);
  const conflict = busy(ctx, id, name);
  if (conflict) return result(conflict);
  const current = (existing.properties?.accessPolicies ?? []) as AccessPolicyEntry[];
  const next = updateAccessPolicies(current, operation, read.entries);
  if (next.length > MAX_ACCESS_POLICIES) {
    return result(
      vaultErrors.invalidValue('accessPolicies', `A vault can hold at most ${MAX_ACCESS_POLICIES} entries.`)
    );
  }
  ctx.store.update(id, doc => {
    doc.properties = { ...doc.properties, accessPolicies: next };
  });
  await finishUpdate(ctx, id);
  return {
    status: 200,
    body: {
      id: `${existing.id}/accessPolicies/`,
      type: ACCESS_POLICIES_TYPE,
      properties: { accessPolicies: read.entries }
    }
  };
}

/**
 * `DELETE .../vaults/{name}`: with soft delete on (the default) the vault moves to the deleted vaults and
 * its name stays taken; 204 when there was no vault.
 */
export function deleteVault(ctx: VaultContext, resourceGroupPath: string, name: string): VaultWriteResult {
  const group = parseGroup(resourceGroupPath);
  const id = vaultId(resourceGroupPath, name);
  const existing = ctx.store.get(id);
  if (!group || !existing || !isVault(existing)) return { status: 204 };
  const conflict = busy(ctx, id, name);
  if (conflict) return result(conflict);
  if (existing.properties?.enableSoftDelete !== false) softDelete(ctx.store, group.subscriptionId, existing);
  ctx.store.delete(id);
  clearVaultBusy(ctx.store, id);
  return { status: 200 };
}
