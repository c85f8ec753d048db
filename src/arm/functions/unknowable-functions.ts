import { unknown } from '../unknown.js';
import { type ArmValue, toArmString } from '../values.js';
import { type ArmFunction, fn } from './types.js';

function describe(args: ArmValue[]): string {
  return args.map(a => (typeof a === 'string' ? `'${a}'` : toArmString(a))).join(', ');
}

/** Functions whose result exists only once the deployment runs; they evaluate to Unknown with the reason. */
export const unknowableFunctions: Record<string, ArmFunction> = {
  reference: fn(
    1,
    3,
    args => unknown(`reference(${describe(args.slice(0, 1))}) is only known after deployment`),
    'handled'
  ),
  utcnow: fn(0, 1, () => unknown('utcNow() changes on every deployment'), 'handled'),
  newguid: fn(0, 0, () => unknown('newGuid() changes on every deployment'), 'handled'),
  pickzones: fn(3, 5, () => unknown('pickZones() depends on the region capabilities in Azure'), 'handled'),
  providers: fn(1, 2, () => unknown('providers() reads the resource provider registry in Azure'), 'handled'),
  managementgroup: fn(0, 1, () => unknown('managementGroup() is not known before deployment'), 'handled'),
  datetimeadd: fn(
    2,
    3,
    args => unknown(`dateTimeAdd(${describe(args)}) is not evaluated before deployment`),
    'handled'
  ),
  datetimetoepoch: fn(1, 1, () => unknown('dateTimeToEpoch() is not evaluated before deployment'), 'handled'),
  datetimefromepoch: fn(
    1,
    1,
    () => unknown('dateTimeFromEpoch() is not evaluated before deployment'),
    'handled'
  )
};

/** list*() functions (listKeys, listSecrets, …) read secrets from Azure at deployment time. */
export const listFunction: ArmFunction = fn(
  2,
  3,
  (args, ctx) => unknown(`${ctx.name}(${describe(args.slice(0, 1))}) is only known after deployment`),
  'handled'
);
