import { collectionFunctions } from './collection-functions.js';
import { deploymentFunctions } from './deployment-functions.js';
import { deploymentTimeFunctions } from './deployment-time-functions.js';
import { lambdaFunctions } from './lambda-functions.js';
import { logicFunctions } from './logic-functions.js';
import { resourceIdFunctions } from './resource-id-functions.js';
import { stringFunctions } from './string-functions.js';
import type { ArmFunction } from './types.js';
import { listFunction, unknowableFunctions } from './unknowable-functions.js';

/** Every built-in function by lower-case name (ARM function names are case-insensitive). */
const BUILT_INS: Record<string, ArmFunction> = {
  ...stringFunctions,
  ...collectionFunctions,
  ...logicFunctions,
  ...deploymentFunctions,
  ...resourceIdFunctions,
  ...lambdaFunctions,
  ...unknowableFunctions,
  ...deploymentTimeFunctions
};

/**
 * Finds the implementation of a function: user-defined `namespace.name` functions of the template, then
 * built-ins; list*() names all share one Unknown-producing implementation.
 */
export function lookupFunction(name: string): ArmFunction | undefined {
  const key = name.toLowerCase();
  const builtIn = BUILT_INS[key];
  if (builtIn) return builtIn;
  if (key.startsWith('list')) return listFunction;
  return undefined;
}

/** Names of all built-in functions (for docs and tests). */
export function builtInFunctionNames(): string[] {
  return Object.keys(BUILT_INS);
}
