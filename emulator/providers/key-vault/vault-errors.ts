import { armError, type HttpResult } from '../../http-result.js';

/**
 * Every error the Key Vault provider answers with, in one table. Codes, statuses and wording follow what the
 * real Microsoft.KeyVault resource provider returns (as seen in public deployment logs and issue threads),
 * so code that branches on them behaves the same against the stand-in as against Azure.
 */
export const vaultErrors = {
  nameNotValid: (name: string): HttpResult =>
    armError(
      400,
      'VaultNameNotValid',
      `The vault name '${name}' is invalid. A vault's name must be between 3-24 alphanumeric characters. ` +
        'The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens. ' +
        'Follow this link for more information: https://go.microsoft.com/fwlink/?linkid=2147742'
    ),

  /** The name belongs to an active vault elsewhere (names are global across all of Azure). */
  alreadyExists: (name: string): HttpResult =>
    armError(
      409,
      'VaultAlreadyExists',
      `The vault name '${name}' is already in use. Vault names are globally unique so it is possible that the ` +
        'name is already taken. If you are sure that the vault name was not taken then it is possible that a ' +
        'vault with the same name was recently deleted but not purged after being placed in a recoverable ' +
        'state. If the vault is in a recoverable state then the vault will need to be purged before reusing ' +
        'the name. For more information about VaultAlreadyExists, soft delete and purging a vault follow this ' +
        'link https://go.microsoft.com/fwlink/?linkid=2147740.'
    ),

  /** A create (createMode default) over a name held by a soft-deleted vault. */
  softDeletedExists: (): HttpResult =>
    armError(
      409,
      'ConflictError',
      'A vault with the same name already exists in deleted state. You need to either recover or purge ' +
        'existing key vault. Follow this link https://go.microsoft.com/fwlink/?linkid=2149745 for more ' +
        'information on soft delete.'
    ),

  /** `createMode: recover` with no soft-deleted vault of that name. */
  nothingToRecover: (): HttpResult =>
    armError(
      400,
      'SoftDeletedVaultDoesNotExist',
      'A soft deleted vault with the given name does not exist. Ensure that the name for the vault that is ' +
        'being attempted to recover is in a recoverable state. For more information on soft delete please ' +
        'follow this link https://go.microsoft.com/fwlink/?linkid=2149745'
    ),

  /** A write that overlaps another write on the same vault. */
  concurrentWrite: (name: string): HttpResult =>
    armError(
      409,
      'ConflictError',
      'A conflict occurred that prevented the operation from completing. The operation failed because the ' +
        `Key Vault '${name}' changed from the point the operation began. This can happen if parallel ` +
        'operations are being performed on the Key Vault. To prevent this error, serialize the operations so ' +
        'that only one operation is performed on the Key Vault at a time. Follow this link for more ' +
        'information: https://go.microsoft.com/fwlink/?linkid=2147741'
    ),

  notSpecified: (parameter: string): HttpResult =>
    armError(400, 'BadRequest', `The parameter ${parameter} is not specified.`),

  invalidValue: (parameter: string, why?: string): HttpResult =>
    armError(400, 'BadRequest', `An invalid value was provided for '${parameter}'.${why ? ` ${why}` : ''}`),

  purgeProtectionOff: (): HttpResult =>
    armError(
      400,
      'BadRequest',
      'The property "enablePurgeProtection" cannot be set to false. Enabling the purge protection for a vault ' +
        'is an irreversible action.'
    ),

  softDeleteOff: (): HttpResult =>
    armError(
      400,
      'BadRequest',
      'The property "enableSoftDelete" can be set to false only for creating new vault. Enabling the ' +
        "'soft delete' functionality is an irreversible action."
    ),

  locationRequired: (): HttpResult =>
    armError(400, 'LocationRequired', 'The location property is required for this definition.'),

  locationChanged: (name: string, existing: string, resourceGroup: string, requested: string): HttpResult =>
    armError(
      400,
      'InvalidResourceLocation',
      `The resource '${name}' already exists in location '${existing}' in resource group '${resourceGroup}'. ` +
        `A resource with the same name cannot be created in location '${requested}'. Please select a new ` +
        'resource name.'
    ),

  resourceNotFound: (resource: string, resourceGroup: string): HttpResult =>
    armError(
      404,
      'ResourceNotFound',
      `The Resource '${resource}' under resource group '${resourceGroup}' was not found. For more details ` +
        'please go to https://aka.ms/ARMResourceNotFoundFix'
    ),

  invalidBody: (): HttpResult =>
    armError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.'),

  /** Purge of a vault whose purge protection is on: refused until the retention period ends. */
  purgeRefused: (): HttpResult =>
    armError(405, 'MethodNotAllowed', "Operation 'DeletedVaultPurge' is not allowed."),

  deletedVaultNotFound: (location: string, name: string): HttpResult =>
    armError(
      404,
      'ResourceNotFound',
      `The Resource 'Microsoft.KeyVault/locations/${location}/deletedVaults/${name}' under resource group ` +
        "'<null>' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
    ),

  methodNotAllowed: (method: string, what: string): HttpResult =>
    armError(405, 'MethodNotAllowed', `The method '${method}' is not supported on '${what}'.`)
} as const;
