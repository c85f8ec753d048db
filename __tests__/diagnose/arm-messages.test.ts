import { describe, expect, it } from '@jest/globals';
import {
  missingPermission,
  missingResource,
  quotaShortfall,
  roleFor,
  unregisteredNamespace
} from '../../src/diagnose/arm-messages.js';

/** Messages as ARM and Azure ML word them (public error references and deployment logs). */
const AUTHORIZATION_FAILED =
  "The client 'ci@contoso.com' with object id '0b1c2d3e-0000-4000-8000-00000000ab12' does not have authorization to " +
  "perform action 'Microsoft.Resources/deployments/write' over scope '/subscriptions/sub-1/resourcegroups/rg-ml/" +
  "providers/Microsoft.Resources/deployments/main' or the scope is invalid. If access was recently granted, please " +
  'refresh your credentials.';
const LINKED_SCOPE =
  "The client '9a8b7c6d-0000-4000-8000-000000000001' with object id '9a8b7c6d-0000-4000-8000-000000000001' has " +
  "permission to perform action 'Microsoft.Network/networkInterfaces/write' on scope '/subscriptions/sub-1/" +
  "resourceGroups/rg-ml/providers/Microsoft.Network/networkInterfaces/nic1'; however, it does not have permission to " +
  "perform action(s) 'Microsoft.Network/virtualNetworks/subnets/join/action' on the linked scope(s) '/subscriptions/" +
  "sub-1/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default' (respectively) or " +
  'the linked scope(s) are invalid.';
const LINKED_TENANT =
  "The client has permission to perform action 'Microsoft.Compute/galleries/images/versions/read' on scope '/subs/x', " +
  "however the current tenant '72f988bf-0000-4000-8000-000000000000' is not authorized to access linked subscription " +
  "'00000000-1111-2222-3333-444444444444'.";

describe('missingPermission', () => {
  it('reads the action, scope and object id of AuthorizationFailed', () => {
    expect(missingPermission(AUTHORIZATION_FAILED)).toEqual({
      action: 'Microsoft.Resources/deployments/write',
      scope: '/subscriptions/sub-1/resourcegroups/rg-ml/providers/Microsoft.Resources/deployments/main',
      objectId: '0b1c2d3e-0000-4000-8000-00000000ab12',
      clientId: 'ci@contoso.com',
      linked: false
    });
  });

  it('reads the missing action on the linked scope, not the one the client has', () => {
    expect(missingPermission(LINKED_SCOPE)).toMatchObject({
      action: 'Microsoft.Network/virtualNetworks/subnets/join/action',
      scope:
        '/subscriptions/sub-1/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default',
      linked: true
    });
  });

  it('reads a linked subscription the tenant may not access', () => {
    expect(missingPermission(LINKED_TENANT)).toMatchObject({
      scope: '/subscriptions/00000000-1111-2222-3333-444444444444',
      linked: true
    });
  });

  it('says nothing about a message without a permission in it', () => {
    expect(missingPermission('The resource was not found.')).toBeUndefined();
  });
});

describe('roleFor', () => {
  it('suggests the narrowest common role', () => {
    expect(roleFor('Microsoft.Resources/deployments/write')).toBe('Contributor');
    expect(roleFor('Microsoft.KeyVault/vaults/read')).toBe('Reader');
    expect(roleFor('Microsoft.Authorization/roleAssignments/write')).toBe('User Access Administrator');
  });
});

describe('unregisteredNamespace', () => {
  it('reads MissingSubscriptionRegistration and NoRegisteredProviderFound', () => {
    expect(
      unregisteredNamespace(
        "The subscription is not registered to use namespace 'Microsoft.MachineLearningServices'. See https://aka.ms/rps-not-found for how to register subscriptions."
      )
    ).toBe('Microsoft.MachineLearningServices');
    expect(
      unregisteredNamespace(
        "No registered resource provider found for location 'westeurope' and API version '2023-07-01' for type 'Microsoft.KeyVault/vaults'."
      )
    ).toBe('Microsoft.KeyVault');
  });
});

describe('quotaShortfall', () => {
  it("reads Azure ML's OutOfQuota", () => {
    expect(
      quotaShortfall(
        'Not enough quota available for Standard_DS3_v2 in SubscriptionId sub-1. Current usage/limit: 4/6. Additional needed: 8 Please see troubleshooting guide, available here: https://aka.ms/oe-tsg#error-outofquota'
      )
    ).toEqual({ what: 'Standard_DS3_v2', usage: 4, limit: 6, needed: 8 });
  });

  it("reads Compute's QuotaExceeded", () => {
    expect(
      quotaShortfall(
        'Operation could not be completed as it results in exceeding approved standardDSv2Family Cores quota. Additional details - Deployment Model: Resource Manager, Location: westeurope, Current Limit: 10, Current Usage: 8, Additional Required: 4, (Minimum) New Limit Required: 12.'
      )
    ).toEqual({ what: 'standardDSv2Family', location: 'westeurope', usage: 8, limit: 10, needed: 4 });
  });
});

describe('missingResource', () => {
  it('names the resource and its group', () => {
    expect(
      missingResource(
        "The Resource 'Microsoft.MachineLearningServices/workspaces/ws-ml' under resource group 'rg-ml' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
      )
    ).toEqual({ resource: 'Microsoft.MachineLearningServices/workspaces/ws-ml', resourceGroup: 'rg-ml' });
    expect(missingResource("Resource group 'rg-x' could not be found.")).toEqual({
      resource: "resource group 'rg-x'"
    });
  });
});
