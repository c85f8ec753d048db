import { describe, expect, it } from '@jest/globals';
import { evaluate, isUnknown, simpleScope } from '../../src/arm/index.js';
import { lookupFunction } from '../../src/arm/functions/registry.js';
import { CORPUS_CONTEXT as CONTEXT } from './corpus.js';

const scope = simpleScope(CONTEXT, { list: ['a', 'b', 'c'], obj: { x: 1, y: 2 } });
const run = (expression: string) => evaluate(expression, scope);

/**
 * Every function of ARM's template-function reference (learn.microsoft.com, "Template functions") that the
 * engine had no implementation for: each is now computed or Unknown, never "Unknown function".
 */
describe('functions ARM has that are known only at deployment', () => {
  it('deployer() is an object whose principal is Unknown and whose tenant is the deployment tenant', () => {
    const value = run('[deployer()]') as Record<string, unknown>;
    expect(isUnknown(value.objectId)).toBe(true);
    expect(isUnknown(value.userPrincipalName)).toBe(true);
    expect(value.tenantId).toBe(CONTEXT.tenantId);
    expect(isUnknown(run("[format('kv-{0}', deployer().objectId)]"))).toBe(true);
  });

  it.each([
    "[references('vaults')]",
    "[parseCidr('10.144.0.0/20')]",
    "[cidrSubnet('10.144.0.0/20', 24, 0)]",
    "[cidrHost('10.144.3.0/24', 0)]"
  ])('%s is Unknown', expression => {
    expect(isUnknown(run(expression))).toBe(true);
  });

  it('groupBy() and mapValues() compute as documented', () => {
    expect(
      run("[groupBy(createArray('foo', 'bar', 'baz'), lambda('x', substring(lambdaVariables('x'), 0, 1)))]")
    ).toEqual({
      f: ['foo'],
      b: ['bar', 'baz']
    });
    expect(run("[mapValues(parameters('obj'), lambda('v', mul(lambdaVariables('v'), 10)))]")).toEqual({
      x: 10,
      y: 20
    });
  });

  it('indexFromEnd() and tryIndexFromEnd() count from the end, 1 being the last', () => {
    expect(run("[indexFromEnd(parameters('list'), 1)]")).toBe('c');
    expect(run("[tryIndexFromEnd(parameters('list'), 4)]")).toBeNull();
    expect(() => run("[indexFromEnd(parameters('list'), 4)]")).toThrow(/outside an array of length 3/);
  });
});

describe('deployment() at the scope $schema names', () => {
  const at = (schema: string, deploymentLocation?: string) =>
    evaluate('[deployment()]', {
      ...simpleScope({ ...CONTEXT, ...(deploymentLocation ? { deploymentLocation } : {}) }),
      template: { $schema: schema }
    }) as Record<string, unknown>;
  const SUBSCRIPTION =
    'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#';

  it('has a location at subscription scope, from the deployment location (Unknown without one)', () => {
    expect(at(SUBSCRIPTION, 'westeurope').location).toBe('westeurope');
    expect(isUnknown(at(SUBSCRIPTION).location)).toBe(true);
  });

  it('has none at resource-group scope, as in ARM', () => {
    const schema = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
    expect(at(schema, 'westeurope')).not.toHaveProperty('location');
  });
});

/**
 * The function names of ARM's template-function reference (learn.microsoft.com "ARM template functions", its
 * array, CIDR, comparison, date, deployment, lambda, logical, numeric, object, resource, scope and string
 * lists, plus deployer, groupBy and mapValues from the newer deployment and lambda pages).
 */
const ARM_FUNCTIONS =
  `array concat contains createArray empty first indexOf intersection last lastIndexOf length max min range
  skip take union parseCidr cidrSubnet cidrHost coalesce equals greater greaterOrEquals less lessOrEquals dateTimeAdd
  dateTimeFromEpoch dateTimeToEpoch utcNow deployer deployment environment parameters variables filter groupBy map
  mapValues reduce sort toObject and bool false if not or true add copyIndex div float int mod mul sub createObject
  items json null objectKeys shallowMerge tryGet extensionResourceId listAccountSas listKeys listSecrets pickZones
  providers reference references resourceId subscriptionResourceId tenantResourceId managementGroupResourceId
  managementGroup resourceGroup subscription tenant base64 base64ToJson base64ToString dataUri dataUriToString
  endsWith format guid join newGuid padLeft replace split startsWith string substring toLower toUpper trim
  uniqueString uri uriComponent uriComponentToString`.split(/\s+/);

describe("ARM's function reference", () => {
  it('has no function the engine calls unknown', () => {
    expect(ARM_FUNCTIONS.filter(name => lookupFunction(name) === undefined)).toEqual([]);
  });
});
