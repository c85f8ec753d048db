import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Deployment } from '@azure/arm-resourcesdeployments';
import {
  fixture,
  startDeploymentsStandIn,
  type DeploymentsStandIn
} from '../fixtures/deployments/stand-in.js';
import { site, storageVaultSecret, templateOf, vault } from '../fixtures/deployments/templates.js';
import { policy } from '../fixtures/key-vault/fixtures.js';

/**
 * What ARM checks and predicts before a deployment writes anything — validate and what-if — and the Key
 * Vault access-policy wipe reproduced through a template, all through the real SDK clients.
 */
const POLL = { updateIntervalInMs: 20 };
const WORKSPACE = '11111111-1111-4111-8111-111111111111';
const DEPLOYER = '22222222-2222-4222-8222-222222222222';
const OTHER = '33333333-3333-4333-8333-333333333333';

describe('template validation, what-if and Key Vault policies through a template', () => {
  let standIn: DeploymentsStandIn;
  let sub: string;
  let tenantId: string;

  beforeAll(async () => {
    standIn = await startDeploymentsStandIn();
    sub = standIn.emulator.facts.subscriptionId;
    tenantId = standIn.emulator.facts.tenantId;
    await standIn.group('rg-pre');
  });
  afterAll(async () => {
    await standIn?.stop();
  });

  const rgId = (group: string) => `/subscriptions/${sub}/resourceGroups/${group}`;
  const deploymentPath = (name: string) =>
    `/subscriptions/${sub}/resourcegroups/rg-pre/providers/Microsoft.Resources/deployments/${name}`;
  const body = (
    template: unknown,
    parameters: Record<string, unknown> = {},
    mode = 'Incremental'
  ): Deployment => ({ properties: { template, parameters, mode } }) as Deployment;

  const mainParameters = { vaultName: { value: 'kv-pre-main' }, secretValue: { value: 'x' } };

  async function deploy(name: string, template: unknown, parameters: Record<string, unknown> = {}) {
    return standIn.deployments.deployments.createOrUpdate('rg-pre', name, body(template, parameters), POLL);
  }

  async function whatIf(template: unknown, parameters: Record<string, unknown> = {}, mode = 'Incremental') {
    return standIn.deployments.deployments.whatIf(
      'rg-pre',
      'what',
      body(template, parameters, mode) as never,
      POLL
    );
  }

  it('validates: 200 with validatedResources for every resource that would be deployed, in the example shape', async () => {
    const template = storageVaultSecret();
    template.resources.push(site('site-off', { condition: false }) as never);
    const result = await standIn.deployments.deployments.validate(
      'rg-pre',
      'check',
      body(template, mainParameters),
      POLL
    );
    expect(result.error).toBeUndefined();
    expect(result.properties?.provisioningState).toBe('Succeeded');
    const ids = result.properties?.validatedResources?.map(r => r.id).sort();
    expect(ids).toEqual([
      `${rgId('rg-pre')}/providers/Microsoft.KeyVault/vaults/kv-pre-main`,
      `${rgId('rg-pre')}/providers/Microsoft.KeyVault/vaults/kv-pre-main/secrets/app-secret`,
      expect.stringMatching(/\/providers\/Microsoft\.Storage\/storageAccounts\/st[a-z0-9]{13}$/)
    ]);
    const raw = await standIn.arm(
      'POST',
      `${deploymentPath('check')}/validate`,
      body(template, mainParameters)
    );
    const example = fixture('PostDeploymentValidateOnResourceGroup.json').responses['200'].body;
    expect(Object.keys(raw.body).sort()).toEqual(Object.keys(example).sort());
    const exampleKeys = Object.keys(example.properties).filter(
      k => !['templateLink', 'diagnostics'].includes(k)
    );
    expect(Object.keys(raw.body.properties)).toEqual(expect.arrayContaining(exampleKeys));
    expect(
      standIn.emulator.store.get(`${rgId('rg-pre')}/providers/Microsoft.KeyVault/vaults/kv-pre-main`)
    ).toBeUndefined();
  });

  it.each([
    [
      'a missing parameter',
      { secretValue: { value: 'x' } },
      /^Deployment template validation failed: 'The value for the template parameter 'vaultName' at line '1' and column '\d+' is not provided\. Please see https:\/\/aka\.ms\/resource-manager-parameter-files for usage details\.'\.$/
    ],
    [
      'a parameter the template does not declare',
      { ...mainParameters, extra: { value: 1 } },
      /^Deployment template validation failed: 'The template parameters 'extra' in the parameters file are not valid; they are not present in the original template and can therefore not be provided at deployment time\. The only supported parameters for this template are 'vaultName, storageName, sku, secretValue'\./
    ],
    [
      'a value outside allowedValues',
      { ...mainParameters, sku: { value: 'Premium_ZRS' } },
      /The provided value for the template parameter 'sku' at line '1' and column '\d+' is not valid\. The parameter value is not part of the allowed value\(s\)/
    ],
    [
      'a value of the wrong type',
      { ...mainParameters, vaultName: { value: 42 } },
      /template parameter 'vaultName'.*must be string/
    ]
  ])('rejects %s with 400 InvalidTemplate and writes nothing', async (_, parameters, message) => {
    const before = standIn.emulator.store.list({ under: rgId('rg-pre') }).length;
    const answer = await standIn.arm(
      'PUT',
      deploymentPath('bad-params'),
      body(storageVaultSecret(), parameters)
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('InvalidTemplate');
    expect(answer.body.error.message).toMatch(message);
    expect(standIn.emulator.store.list({ under: rgId('rg-pre') })).toHaveLength(before);
    const validated = await standIn.arm(
      'POST',
      `${deploymentPath('bad-params')}/validate`,
      body(storageVaultSecret(), parameters)
    );
    expect(validated.status).toBe(400);
    expect(validated.body.error.message).toBe(answer.body.error.message);
  });

  it.each([
    [
      'an undefined parameter in an expression',
      templateOf([site("[parameters('missing')]")]),
      /^Deployment template validation failed: 'The template resource '\[parameters\('missing'\)\]' at line '1' and column '\d+' is not valid: .*The template parameter 'missing' is not found/
    ],
    [
      'a circular dependency',
      templateOf([site('site-a', { dependsOn: ['site-b'] }), site('site-b', { dependsOn: ['site-a'] })]),
      /^Deployment template validation failed: 'Circular dependency detected on resource: '.*\/sites\/site-a', '.*\/sites\/site-b'/
    ],
    [
      'a dependsOn that names no resource',
      templateOf([site('site-a', { dependsOn: ['site-ghost'] })]),
      /The resource 'site-ghost' is not defined in the template/
    ]
  ])('rejects %s with InvalidTemplate, through the SDK validate too', async (_, template, message) => {
    const answer = await standIn.arm('PUT', deploymentPath('bad-template'), body(template));
    expect({ status: answer.status, code: answer.body.error.code }).toEqual({
      status: 400,
      code: 'InvalidTemplate'
    });
    expect(answer.body.error.message).toMatch(message);
    // The SDK treats validate as an LRO: ARM's 400 ends it 'failed', and core-lro drops the body's error.
    const error = (await standIn.deployments.deployments
      .validate('rg-pre', 'bad-template', body(template), POLL)
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('The long-running operation has failed');
  });

  it('refuses linked templates with 400 InvalidTemplateDeployment', async () => {
    const linked = {
      properties: { templateLink: { uri: 'https://example.com/t.json' }, mode: 'Incremental' }
    };
    const answer = await standIn.arm('PUT', deploymentPath('linked'), linked, {
      'x-ms-correlation-request-id': 'corr-linked'
    });
    expect(answer.status).toBe(400);
    const example = fixture('PutDeploymentResourceGroup.json');
    expect(answer.body.error).toEqual({
      code: 'InvalidTemplateDeployment',
      message:
        "The template deployment 'linked' is not valid according to the validation procedure. The tracking id is 'corr-linked'. See inner errors for details.",
      details: [{ code: 'LinkedTemplateNotSupported', message: expect.stringContaining('linked templates') }]
    });
    expect(Object.keys(answer.body.error).sort()).toEqual(
      Object.keys(fixture('PostDeploymentValidateOnResourceGroup.json').responses['400'].body.error).sort()
    );
    expect(example.parameters.parameters.properties.templateLink).toBeDefined();
  });

  it('what-if: Create before the deployment, NoChange after it, Modify with a delta when a property changes', async () => {
    const template = templateOf([site('site-whatif', { tags: { env: 'test' } })]);
    const created = await whatIf(template);
    expect(created.status).toBe('Succeeded');
    expect(created.changes).toEqual([
      expect.objectContaining({
        resourceId: `${rgId('rg-pre')}/providers/Microsoft.Web/sites/site-whatif`,
        changeType: 'Create',
        after: expect.objectContaining({
          name: 'site-whatif',
          type: 'Microsoft.Web/sites',
          apiVersion: '2022-03-01'
        })
      })
    ]);
    const example = fixture('PostDeploymentWhatIfOnResourceGroup.json').responses['200'].body;
    const raw = await standIn.arm('POST', `${deploymentPath('what')}/whatIf`, body(template));
    expect(raw.status).toBe(202);
    let poll = await standIn.arm('GET', raw.headers.location as string);
    while (poll.status === 202) poll = await standIn.arm('GET', raw.headers.location as string);
    expect(Object.keys(poll.body).sort()).toEqual(Object.keys(example).sort());
    expect(Object.keys(poll.body.properties.changes[0]).sort()).toEqual(
      Object.keys(example.properties.changes[1]).sort()
    );

    await deploy('whatif-base', template);
    const unchanged = await whatIf(template);
    expect(unchanged.changes?.map(c => c.changeType)).toEqual(['NoChange']);

    const changed = templateOf([
      site('site-whatif', { tags: { env: 'prod' }, properties: { httpsOnly: false, http20: true } })
    ]);
    const modified = await whatIf(changed);
    expect(modified.changes?.[0]?.changeType).toBe('Modify');
    expect(modified.changes?.[0]?.delta).toEqual([
      { path: 'properties.http20', propertyChangeType: 'Create', after: true },
      { path: 'properties.httpsOnly', propertyChangeType: 'Modify', before: true, after: false },
      { path: 'tags.env', propertyChangeType: 'Modify', before: 'test', after: 'prod' }
    ]);
    const complete = await whatIf(templateOf([site('site-other')]), {}, 'Complete');
    expect(complete.changes?.map(c => [c.resourceId?.split('/').at(-1), c.changeType])).toEqual([
      ['site-other', 'Create'],
      ['site-whatif', 'Delete']
    ]);
    const incremental = await whatIf(templateOf([site('site-other')]));
    expect(incremental.changes?.map(c => c.changeType)).toEqual(['Create', 'Ignore']);
  });

  it('reproduces the wipe through a template: a vault redeployed with [] loses a policy added out of band', async () => {
    const template = templateOf([vault('kv-pre-wipe', [policy(tenantId, DEPLOYER, { secrets: ['get'] })])]);
    await deploy('wipe-1', template);
    await standIn.keyVault.vaults.updateAccessPolicy('rg-pre', 'kv-pre-wipe', 'add', {
      properties: { accessPolicies: [policy(tenantId, WORKSPACE, { keys: ['get', 'wrapKey'] })] }
    });
    expect(
      (await standIn.keyVault.vaults.get('rg-pre', 'kv-pre-wipe')).properties.accessPolicies
    ).toHaveLength(2);

    const wiping = templateOf([vault('kv-pre-wipe', [])]);
    const predicted = await whatIf(wiping);
    const change = predicted.changes?.find(c => c.resourceId?.endsWith('/kv-pre-wipe'));
    expect(change?.changeType).toBe('Modify');
    // Azure's shape: an Array change with one child per element, which az and the action's summary read.
    expect(change?.delta).toEqual([
      {
        path: 'properties.accessPolicies',
        propertyChangeType: 'Array',
        children: [
          {
            path: '0',
            propertyChangeType: 'Delete',
            before: expect.objectContaining({ objectId: DEPLOYER })
          },
          {
            path: '1',
            propertyChangeType: 'Delete',
            before: expect.objectContaining({ objectId: WORKSPACE })
          }
        ]
      }
    ]);
    const replacing = await whatIf(
      templateOf([
        vault('kv-pre-wipe', [policy(tenantId, DEPLOYER, { secrets: ['get'] }), policy(tenantId, OTHER, {})])
      ])
    );
    expect(
      replacing.changes?.find(c => c.resourceId?.endsWith('/kv-pre-wipe'))?.delta?.[0]?.children
    ).toEqual([
      { path: '1', propertyChangeType: 'Delete', before: expect.objectContaining({ objectId: WORKSPACE }) },
      { path: '1', propertyChangeType: 'Create', after: expect.objectContaining({ objectId: OTHER }) }
    ]);
    const result = await deploy('wipe-2', wiping);
    expect(result.properties?.provisioningState).toBe('Succeeded');
    expect((await standIn.keyVault.vaults.get('rg-pre', 'kv-pre-wipe')).properties.accessPolicies).toEqual(
      []
    );
  });

  it('merges a vaults/accessPolicies "add" child per principal instead of replacing the list', async () => {
    await deploy(
      'policies-1',
      templateOf([vault('kv-pre-add', [policy(tenantId, DEPLOYER, { secrets: ['get'] })])])
    );
    const add = {
      type: 'Microsoft.KeyVault/vaults/accessPolicies',
      apiVersion: '2024-11-01',
      name: 'kv-pre-add/add',
      properties: {
        accessPolicies: [
          policy('[subscription().tenantId]', WORKSPACE, { keys: ['get'] }),
          policy('[subscription().tenantId]', DEPLOYER, { secrets: ['list'] })
        ]
      }
    };
    const result = await deploy('policies-2', templateOf([add]));
    expect(result.properties?.provisioningState).toBe('Succeeded');
    const policies =
      (await standIn.keyVault.vaults.get('rg-pre', 'kv-pre-add')).properties.accessPolicies ?? [];
    const byPrincipal = Object.fromEntries(policies.map(p => [p.objectId, p.permissions]));
    expect(Object.keys(byPrincipal).sort()).toEqual([WORKSPACE, DEPLOYER].sort());
    expect(byPrincipal[DEPLOYER]?.secrets?.sort()).toEqual(['get', 'list']);
    expect(byPrincipal[WORKSPACE]?.keys).toEqual(['get']);
  });
});
