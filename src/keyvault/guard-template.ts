import { propertyKey } from '../arm/index.js';
import type { AccessPolicyEntry } from './access-policies.js';
import type { JsonPath, VaultDecision, VaultNode } from './vault-plan.js';

/** The variable the guard adds to a template scope: per vault (lower-case name), what to deploy. */
export const GUARD_VARIABLE = 'azuremlStagedDeployKeyVaults';

interface GuardEntry {
  /** The vault's access policies as they are now ([] for a vault the run creates). */
  accessPolicies: AccessPolicyEntry[];
  /** False for a vault not written: left alone (skip-existing), or unchanged by the template. */
  deploy: boolean;
  /** False when the template's own entries are not added: skip-existing, or all already granted. */
  addPolicies: boolean;
  createMode: 'default' | 'recover';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/**
 * Rewrites a template so deploying it keeps every vault's access policies.
 *
 * A vault resource is a PUT whose `accessPolicies` replace the vault's list. For every vault node with an
 * existing vault, the guard (1) makes the vault's `accessPolicies` the list the vault has now, looked up by
 * name in a generated variable, and (2) moves the template's own entries into a generated
 * `Microsoft.KeyVault/vaults/accessPolicies` child named `<vault>/add` that depends on the vault, which ARM
 * merges per principal. Entries using `reference()` keep working because nothing is evaluated here.
 * Skipped vaults get a false condition (ARM then drops dependsOn edges to them); soft-deleted ones to recover
 * get `createMode: recover`. Protection flags a vault has on are never written off.
 *
 * Looking the policies up by the name ARM computes, not by the name this action computed, is deliberate: if
 * the two ever disagreed the lookup fails and the deployment stops — it can never wipe a vault by mistake.
 */
export function guardTemplate(
  template: Record<string, unknown>,
  decisions: readonly VaultDecision[]
): Record<string, unknown> {
  const guarded = structuredClone(template) as JsonObject;
  for (const [node, nodeDecisions] of groupByNode(decisions)) {
    if (!nodeDecisions.some(d => d.action === 'preserve' || d.action === 'skip' || d.action === 'recover')) {
      for (const decision of nodeDecisions) removeProtectionOffFlags(resourceAt(guarded, node), decision);
      continue;
    }
    const entries: Record<string, GuardEntry> = {};
    for (const decision of nodeDecisions) {
      entries[decision.name.toLowerCase()] = {
        accessPolicies: decision.action === 'preserve' ? decision.policiesBefore : [],
        deploy: decision.action !== 'skip' && !decision.unchanged,
        addPolicies: decision.action !== 'skip' && !decision.ownPoliciesPresent,
        createMode: decision.action === 'recover' ? 'recover' : 'default'
      };
    }
    addGuardVariable(templateAt(guarded, node.scopePath), entries);
    rewriteVaultNode(guarded, node, nodeDecisions);
  }
  return guarded;
}

function groupByNode(decisions: readonly VaultDecision[]): Map<VaultNode, VaultDecision[]> {
  const groups = new Map<VaultNode, VaultDecision[]>();
  for (const decision of decisions)
    groups.set(decision.node, [...(groups.get(decision.node) ?? []), decision]);
  return groups;
}

function rewriteVaultNode(template: JsonObject, node: VaultNode, decisions: VaultDecision[]): void {
  const vault = resourceAt(template, node);
  const properties = (vault[keyOf(vault, 'properties')] ??= {}) as JsonObject;
  const nameExpression = toExpression(vault[keyOf(vault, 'name')] ?? '');
  const lookup = `variables('${GUARD_VARIABLE}')[toLower(${nameExpression})]`;
  const policiesKey = keyOf(properties, 'accessPolicies');
  const ownPolicies = properties[policiesKey];
  const conditionKey = keyOf(vault, 'condition');
  const originalCondition = vault[conditionKey];

  properties[policiesKey] = `[${lookup}.accessPolicies]`;
  if (decisions.some(d => d.action === 'recover'))
    properties[keyOf(properties, 'createMode')] = `[${lookup}.createMode]`;
  if (decisions.some(d => d.action === 'skip' || d.unchanged)) {
    vault[conditionKey] = `[and(${conditionExpression(originalCondition)}, ${lookup}.deploy)]`;
  }
  for (const decision of decisions) removeProtectionOffFlags(vault, decision);

  if (hasOwnPolicies(ownPolicies)) {
    insertSibling(template, node, policiesChild(vault, node, ownPolicies as Json, lookup, originalCondition));
  }
}

/**
 * The key a template object uses for `name`, whatever its case (ARM reads `Properties` as `properties`), or
 * `name` itself when absent: the guard edits the author's key and never adds a second one beside it.
 */
function keyOf(object: JsonObject, name: string): string {
  return propertyKey(object, name) ?? name;
}

/** The generated `vaults/accessPolicies` `add` child that merges the template's own entries. */
function policiesChild(
  vault: JsonObject,
  node: VaultNode,
  ownPolicies: Json,
  lookup: string,
  originalCondition: Json | undefined
): JsonObject {
  const loopName = node.copyName ? `${node.copyName}AccessPolicies` : undefined;
  const inLoop = (value: Json): Json => (loopName ? renameCopyIndex(value, loopName) : value);
  const name = inLoop(`[${toExpression(vault[keyOf(vault, 'name')] ?? '')}]`) as string;
  const apiVersion = vault[keyOf(vault, 'apiVersion')];
  const copy = vault[keyOf(vault, 'copy')];
  const nameExpression = name.slice(1, -1);
  const child: JsonObject = {
    type: 'Microsoft.KeyVault/vaults/accessPolicies',
    apiVersion: apiVersion ?? '2023-07-01',
    name: `[concat(${nameExpression}, '/add')]`,
    condition: inLoop(`[and(${conditionExpression(originalCondition)}, ${lookup}.addPolicies)]`),
    dependsOn: [`[resourceId('Microsoft.KeyVault/vaults', ${nameExpression})]`],
    properties: { accessPolicies: inLoop(ownPolicies) }
  };
  if (loopName && typeof copy === 'object' && copy !== null && !Array.isArray(copy)) {
    child.copy = { ...copy, name: loopName };
  }
  return child;
}

function hasOwnPolicies(value: Json | undefined): boolean {
  if (value === undefined || value === null) return false;
  return !(Array.isArray(value) && value.length === 0);
}

/** Never turn off soft delete or purge protection on a vault that has them: ARM refuses, and they protect data. */
function removeProtectionOffFlags(vault: JsonObject, decision: VaultDecision): void {
  if (decision.state.kind !== 'active') return;
  const properties = vault[keyOf(vault, 'properties')] as JsonObject | undefined;
  if (!properties) return;
  const current = decision.state.vault;
  const flags = [
    ['enablePurgeProtection', current.purgeProtectionEnabled],
    ['enableSoftDelete', current.softDeleteEnabled]
  ] as const;
  for (const [flag, onNow] of flags) {
    const key = propertyKey(properties, flag);
    if (!onNow || key === undefined || properties[key] === true) continue;
    delete properties[key];
    decision.protectedFlags.push(flag);
  }
}

function addGuardVariable(scope: JsonObject, entries: Record<string, GuardEntry>): void {
  const variables = (scope.variables ??= {}) as JsonObject;
  const existing = (variables[GUARD_VARIABLE] ?? {}) as JsonObject;
  variables[GUARD_VARIABLE] = { ...existing, ...(entries as unknown as JsonObject) };
}

/** A template property value as an expression body: `[x]` → `x`, a literal → a quoted string. */
export function toExpression(value: Json): string {
  if (typeof value === 'string' && value.startsWith('[') && !value.startsWith('[[') && value.endsWith(']')) {
    return value.slice(1, -1);
  }
  const text = typeof value === 'string' ? value.replace(/^\[\[/, '[') : JSON.stringify(value);
  return `'${text.replace(/'/g, "''")}'`;
}

function conditionExpression(condition: Json | undefined): string {
  if (condition === undefined || condition === true) return 'true()';
  if (condition === false) return 'false()';
  return toExpression(condition);
}

/**
 * Points every `copyIndex` in template expressions at another loop: `copyIndex()` and `copyIndex('x')` become
 * `copyIndex('loop')`, offsets are kept. The generated child runs its own loop over the same count, so its
 * n-th iteration addresses the vault of the vault loop's n-th iteration.
 */
export function renameCopyIndex(value: Json, loopName: string): Json {
  if (typeof value === 'string') {
    if (!value.startsWith('[') || value.startsWith('[[')) return value;
    // Either the call closes right away (no offset: `copyIndex()`, `copyIndex('x')`) or an offset follows.
    return value.replace(
      /copyIndex\(\s*(?:'(?:[^']|'')*'\s*,?\s*)?(\))?/gi,
      (_match, close: string | undefined) =>
        close ? `copyIndex('${loopName}')` : `copyIndex('${loopName}', `
    );
  }
  if (Array.isArray(value)) return value.map(item => renameCopyIndex(item, loopName));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameCopyIndex(v, loopName)]));
  }
  return value;
}

function valueAt(root: Json, path: JsonPath): Json {
  let current: Json = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object')
      throw new Error(`template path ${path.join('.')} not found`);
    current = (current as Record<string | number, Json>)[key] as Json;
  }
  return current;
}

function templateAt(root: JsonObject, path: JsonPath): JsonObject {
  return valueAt(root, path) as JsonObject;
}

function resourceAt(root: JsonObject, node: VaultNode): JsonObject {
  return valueAt(root, node.resourcePath) as JsonObject;
}

/** Adds a resource next to the vault: in its `resources` array, or under a new symbolic name. */
function insertSibling(root: JsonObject, node: VaultNode, resource: JsonObject): void {
  const container = valueAt(root, node.resourcePath.slice(0, -1));
  if (Array.isArray(container)) {
    container.push(resource);
    return;
  }
  const key = `${String(node.resourcePath.at(-1))}AccessPoliciesAdd`;
  (container as JsonObject)[key] = resource;
}
