import { ArmFunctionError, type ArmValue, asString } from '../values.js';
import { type ArmFunction, fn } from './types.js';

/** `Microsoft.KeyVault/vaults/secrets` + [vault, secret] → `providers/Microsoft.KeyVault/vaults/vault/secrets/secret`. */
function providerPath(type: string, names: string[]): string {
  const [namespace, ...types] = type.split('/');
  if (!namespace || types.length === 0) throw new ArmFunctionError(`'${type}' is not a resource type`);
  const flatNames = names.flatMap(n => n.split('/'));
  if (flatNames.length !== types.length) {
    throw new ArmFunctionError(
      `type '${type}' needs ${types.length} name segment(s), got ${flatNames.length}`
    );
  }
  return `providers/${namespace}/${types.map((t, i) => `${t}/${flatNames[i]}`).join('/')}`;
}

/** Splits arguments into the leading scope arguments and [type, ...names]: the type is the first with a '/'. */
function splitAtType(args: string[]): { scopeArgs: string[]; type: string; names: string[] } {
  const typeIndex = args.findIndex(a => a.includes('/'));
  if (typeIndex < 0) throw new ArmFunctionError('no resource type (Namespace/type) among the arguments');
  return { scopeArgs: args.slice(0, typeIndex), type: args[typeIndex]!, names: args.slice(typeIndex + 1) };
}

const strings = (args: ArmValue[]) => args.map((a, i) => asString(a, `argument ${i + 1}`));

/** resourceId([subscriptionId], [resourceGroupName], type, name1, …). */
function resourceId(args: ArmValue[], { scope }: Parameters<NonNullable<ArmFunction['call']>>[1]): string {
  const { scopeArgs, type, names } = splitAtType(strings(args));
  if (scopeArgs.length > 2) throw new ArmFunctionError('too many arguments before the resource type');
  const subscriptionId = scopeArgs.length === 2 ? scopeArgs[0]! : scope.context.subscriptionId;
  const group = scopeArgs.length >= 1 ? scopeArgs.at(-1)! : scope.context.resourceGroup.name;
  return `/subscriptions/${subscriptionId}/resourceGroups/${group}/${providerPath(type, names)}`;
}

function subscriptionResourceId(
  args: ArmValue[],
  ctx: Parameters<NonNullable<ArmFunction['call']>>[1]
): string {
  const { scopeArgs, type, names } = splitAtType(strings(args));
  const subscriptionId = scopeArgs[0] ?? ctx.scope.context.subscriptionId;
  return `/subscriptions/${subscriptionId}/${providerPath(type, names)}`;
}

function extensionResourceId(args: ArmValue[]): string {
  const [parent, type, ...names] = strings(args);
  return `${parent}/${providerPath(type!, names)}`;
}

/** resourceId(), subscriptionResourceId(), tenantResourceId(), extensionResourceId(), managementGroupResourceId(). */
export const resourceIdFunctions: Record<string, ArmFunction> = {
  resourceid: fn(2, Infinity, resourceId),
  subscriptionresourceid: fn(2, Infinity, subscriptionResourceId),
  tenantresourceid: fn(2, Infinity, args => `/${providerPath(asString(args[0]!), strings(args.slice(1)))}`),
  extensionresourceid: fn(3, Infinity, extensionResourceId),
  managementgroupresourceid: fn(2, Infinity, args => {
    const { scopeArgs, type, names } = splitAtType(strings(args));
    const group = scopeArgs[0] ?? 'unknown';
    return `/providers/Microsoft.Management/managementGroups/${group}/${providerPath(type, names)}`;
  })
};
