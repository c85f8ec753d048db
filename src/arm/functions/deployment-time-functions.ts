import type { EvaluationScope } from '../scope.js';
import { unknown } from '../unknown.js';
import { ArmFunctionError, type ArmObject, type ArmValue, asArray, asInt } from '../values.js';
import { type ArmFunction, fn } from './types.js';

/**
 * Functions ARM has that the offline engine does not compute: what they return is only known when ARM runs
 * the deployment (who deploys, what other resources hold), or is not modelled here (CIDR arithmetic). They
 * evaluate to Unknown, so a template using them is left to ARM's validation instead of being refused.
 */

/** deployer(): the principal running the deployment; its tenant is the deployment's tenant. */
function deployer(scope: EvaluationScope): ArmObject {
  return {
    objectId: unknown('deployer().objectId is the signed-in principal, known when ARM runs the deployment'),
    tenantId: scope.context.tenantId,
    userPrincipalName: unknown('deployer().userPrincipalName is known when ARM runs the deployment')
  };
}

const notOffline = (name: string): ArmFunction =>
  fn(1, 3, () => unknown(`${name}() is not evaluated offline; ARM computes it at deployment`), 'handled');

/** The element `n` places from the end (1 is the last), as indexFromEnd()/tryIndexFromEnd() define it. */
function fromEnd(args: ArmValue[], orNull: boolean): ArmValue {
  const array = asArray(args[0]!);
  const n = asInt(args[1]!, 'the index from the end');
  if (n >= 1 && n <= array.length) return array[array.length - n]!;
  if (orNull) return null;
  throw new ArmFunctionError(`index ${n} from the end is outside an array of length ${array.length}`);
}

export const deploymentTimeFunctions: Record<string, ArmFunction> = {
  deployer: fn(0, 0, (_, { scope }) => deployer(scope)),
  references: fn(
    1,
    2,
    () => unknown('references() reads the state of resources, known only after deployment'),
    'handled'
  ),
  parsecidr: notOffline('parseCidr'),
  cidrsubnet: notOffline('cidrSubnet'),
  cidrhost: notOffline('cidrHost'),
  indexfromend: fn(2, 2, args => fromEnd(args, false)),
  tryindexfromend: fn(2, 2, args => fromEnd(args, true))
};
