import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DeploymentOperation } from '@azure/arm-resourcesdeployments';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  fixture,
  startDeploymentsStandIn,
  type DeploymentsStandIn
} from '../fixtures/deployments/stand-in.js';
import {
  nestedInner,
  site,
  storageVaultSecret,
  templateOf,
  vault
} from '../fixtures/deployments/templates.js';

/**
 * Template deployments through the real `@azure/arm-resourcesdeployments` client: the deployment LRO, the
 * resources it writes, its operations and outputs, nested deployments and failures.
 */
const POLL = { updateIntervalInMs: 20 };

describe('template deployments through @azure/arm-resourcesdeployments', () => {
  let standIn: DeploymentsStandIn;
  let sub: string;

  beforeAll(async () => {
    standIn = await startDeploymentsStandIn();
    sub = standIn.emulator.facts.subscriptionId;
    await standIn.group('rg-deploy');
    await standIn.group('rg-inner', 'northeurope');
  });
  afterAll(async () => {
    await standIn?.stop();
  });

  const rgId = (group: string) => `/subscriptions/${sub}/resourceGroups/${group}`;
  const stored = (id: string) => standIn.emulator.store.get(id);

  async function operationsOf(group: string, name: string): Promise<DeploymentOperation[]> {
    const found: DeploymentOperation[] = [];
    for await (const op of standIn.deployments.deploymentOperations.list(group, name)) found.push(op);
    return found;
  }

  async function deploy(
    group: string,
    name: string,
    template: unknown,
    parameters = {},
    mode = 'Incremental'
  ) {
    return standIn.deployments.deployments.createOrUpdate(
      group,
      name,
      { properties: { template, parameters, mode: mode as 'Incremental' } },
      POLL
    );
  }

  it('deploys storage, vault and secret: resources exist, outputs and the example shape are returned', async () => {
    const result = await standIn.deployments.deployments.createOrUpdate(
      'rg-deploy',
      'main',
      {
        properties: {
          template: storageVaultSecret(),
          parameters: { vaultName: { value: 'kv-deploy-main' }, secretValue: { value: 's3cret' } },
          mode: 'Incremental'
        }
      },
      { ...POLL, requestOptions: { headers: { 'x-ms-correlation-request-id': 'corr-main-1' } } }
    );
    const props = result.properties!;
    expect(props.provisioningState).toBe('Succeeded');
    expect(props.correlationId).toBe('corr-main-1');
    const vaultId = `${rgId('rg-deploy')}/providers/Microsoft.KeyVault/vaults/kv-deploy-main`;
    expect(props.outputs).toEqual({
      vaultUri: { type: 'String', value: 'https://kv-deploy-main.vault.azure.net/' },
      storageId: { type: 'String', value: expect.stringMatching(/\/storageAccounts\/st[a-z0-9]{13}$/) },
      secretName: { type: 'String', value: 'app-secret' }
    });
    expect(props.parameters?.secretValue).toEqual({ type: 'SecureString' });
    expect(props.parameters?.vaultName).toEqual({ type: 'String', value: 'kv-deploy-main' });
    expect(props.outputResources?.map(r => r.id)).toHaveLength(3);
    expect(stored(vaultId)?.properties?.provisioningState).toBe('Succeeded');
    expect(stored(`${vaultId}/secrets/app-secret`)?.properties?.value).toBe('s3cret');
    const storageId = (props.outputs as Record<string, { value: string }>).storageId.value;
    expect(stored(storageId)).toMatchObject({ sku: { name: 'Standard_LRS' }, kind: 'StorageV2' });

    // The raw GET has the example's fields (templateLink aside: the stand-in only takes inline templates).
    const raw = await standIn.arm(
      'GET',
      `${rgId('rg-deploy')}/providers/Microsoft.Resources/deployments/main`
    );
    const example = fixture('PutDeploymentResourceGroup.json').responses['200'].body;
    expect(Object.keys(raw.body).sort()).toEqual(Object.keys(example).sort());
    const expectedKeys = Object.keys(example.properties).filter(k => k !== 'templateLink');
    expect(Object.keys(raw.body.properties)).toEqual(expect.arrayContaining([...expectedKeys, 'outputs']));
    expect(raw.body.properties.templateHash).toMatch(/^\d+$/);
    expect(raw.body.properties.duration).toMatch(/^PT[\d.]+S$/);
    expect(raw.body.properties.providers).toEqual(
      expect.arrayContaining([
        {
          namespace: 'Microsoft.KeyVault',
          resourceTypes: expect.arrayContaining([{ resourceType: 'vaults', locations: ['westeurope'] }])
        }
      ])
    );
  });

  it('runs dependencies first and lists one operation per resource with its target', async () => {
    const operations = await operationsOf('rg-deploy', 'main');
    expect(operations).toHaveLength(3);
    const order = [...operations]
      .sort((a, b) => a.properties!.timestamp!.getTime() - b.properties!.timestamp!.getTime())
      .map(op => op.properties!.targetResource!.resourceType);
    expect(order).toEqual([
      'Microsoft.Storage/storageAccounts',
      'Microsoft.KeyVault/vaults',
      'Microsoft.KeyVault/vaults/secrets'
    ]);
    const secretOp = operations.find(op => op.properties?.targetResource?.resourceType?.endsWith('secrets'))!;
    expect(secretOp.properties).toMatchObject({
      provisioningOperation: 'Create',
      provisioningState: 'Succeeded',
      statusCode: 'Created',
      targetResource: {
        id: `${rgId('rg-deploy')}/providers/Microsoft.KeyVault/vaults/kv-deploy-main/secrets/app-secret`,
        resourceName: 'kv-deploy-main/app-secret',
        apiVersion: '2024-11-01'
      }
    });
    expect(secretOp.operationId).toMatch(/^[0-9A-F]{16}$/);
    const one = await standIn.deployments.deploymentOperations.get(
      'rg-deploy',
      'main',
      secretOp.operationId!
    );
    expect(one.id).toBe(secretOp.id);
    const deployment = await standIn.deployments.deployments.get('rg-deploy', 'main');
    expect(deployment.properties?.dependencies?.map(d => d.resourceType).sort()).toEqual([
      'Microsoft.KeyVault/vaults',
      'Microsoft.KeyVault/vaults/secrets'
    ]);
  });

  it('skips a resource whose condition is false and still deploys what depended on it', async () => {
    const template = templateOf([
      site('site-skipped', { condition: false }),
      site('site-after', { dependsOn: ["[resourceId('Microsoft.Web/sites', 'site-skipped')]"] })
    ]);
    const result = await deploy('rg-deploy', 'conditions', template);
    expect(result.properties?.provisioningState).toBe('Succeeded');
    expect(stored(`${rgId('rg-deploy')}/providers/Microsoft.Web/sites/site-skipped`)).toBeUndefined();
    expect(stored(`${rgId('rg-deploy')}/providers/Microsoft.Web/sites/site-after`)).toBeDefined();
    const operations = await operationsOf('rg-deploy', 'conditions');
    expect(operations.map(op => op.properties?.targetResource?.resourceName)).toEqual(['site-after']);
  });

  it('deploys every instance of a copy loop', async () => {
    const template = templateOf([
      site("[concat('site-copy-', copyIndex(1))]", {
        copy: { name: 'sites', count: 3 },
        properties: { index: '[copyIndex()]' }
      }),
      site('site-after-loop', { dependsOn: ['sites'] })
    ]);
    await deploy('rg-deploy', 'copies', template);
    for (const index of [1, 2, 3]) {
      expect(
        stored(`${rgId('rg-deploy')}/providers/Microsoft.Web/sites/site-copy-${index}`)?.properties?.index
      ).toBe(index - 1);
    }
    const operations = await operationsOf('rg-deploy', 'copies');
    const last = operations
      .sort((a, b) => a.properties!.timestamp!.getTime() - b.properties!.timestamp!.getTime())
      .at(-1);
    expect(last?.properties?.targetResource?.resourceName).toBe('site-after-loop');
  });

  it('runs an inner-scope nested deployment in its own group as its own deployment record', async () => {
    const result = await deploy('rg-deploy', 'parent', nestedInner('rg-inner'), { prefix: { value: 'web' } });
    expect(result.properties?.outputs).toEqual({ fromInner: { type: 'String', value: 'rg-inner' } });
    expect(stored(`${rgId('rg-inner')}/providers/Microsoft.Web/sites/web-inner`)?.properties?.group).toBe(
      'rg-inner'
    );
    const parentOps = await operationsOf('rg-deploy', 'parent');
    expect(parentOps.map(op => op.properties?.targetResource)).toEqual([
      expect.objectContaining({
        id: `${rgId('rg-inner')}/providers/Microsoft.Resources/deployments/inner`,
        resourceType: 'Microsoft.Resources/deployments',
        resourceName: 'inner'
      })
    ]);
    const inner = await standIn.deployments.deployments.get('rg-inner', 'inner');
    expect(inner.properties?.provisioningState).toBe('Succeeded');
    expect(inner.properties?.correlationId).toBe(result.properties?.correlationId);
    const innerOps = await operationsOf('rg-inner', 'inner');
    expect(innerOps.map(op => op.properties?.targetResource?.resourceName)).toEqual(['web-inner']);
  });

  it('runs an outer-scope nested deployment with the parent parameters and variables', async () => {
    const template = templateOf(
      [
        {
          type: 'Microsoft.Resources/deployments',
          apiVersion: '2025-04-01',
          name: 'outer-nested',
          properties: {
            mode: 'Incremental',
            template: templateOf([site("[concat(parameters('prefix'), variables('suffix'))]")])
          }
        }
      ],
      { parameters: { prefix: { type: 'string' } }, variables: { suffix: '-outer' } }
    );
    const result = await deploy('rg-deploy', 'outer-parent', template, { prefix: { value: 'web' } });
    expect(result.properties?.provisioningState).toBe('Succeeded');
    expect(stored(`${rgId('rg-deploy')}/providers/Microsoft.Web/sites/web-outer`)).toBeDefined();
    const inner = await operationsOf('rg-deploy', 'outer-nested');
    expect(inner.map(op => op.properties?.targetResource?.resourceName)).toEqual(['web-outer']);
  });

  it('evaluates reference(), utcNow() and newGuid() when the resource is written', async () => {
    const template = templateOf(
      [
        vault('kv-deploy-ref', []),
        site('site-ref', {
          dependsOn: ['kv-deploy-ref'],
          properties: {
            vaultUri: "[reference('kv-deploy-ref').vaultUri]",
            stamp: "[parameters('stamp')]",
            id: "[parameters('id')]"
          }
        })
      ],
      {
        parameters: {
          stamp: { type: 'string', defaultValue: "[utcNow('u')]" },
          id: { type: 'string', defaultValue: '[newGuid()]' }
        }
      }
    );
    await deploy('rg-deploy', 'references', template);
    const properties = stored(`${rgId('rg-deploy')}/providers/Microsoft.Web/sites/site-ref`)?.properties;
    expect(properties).toMatchObject({
      vaultUri: 'https://kv-deploy-ref.vault.azure.net/',
      stamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/),
      id: expect.stringMatching(/^[0-9a-f-]{36}$/)
    });
  });

  it('fails with DeploymentOutputEvaluationFailed when an output cannot be evaluated', async () => {
    const template = templateOf([site('site-output')], {
      outputs: { broken: { type: 'string', value: "[reference('site-output').missingProperty]" } }
    });
    await expect(deploy('rg-deploy', 'outputs', template)).rejects.toThrow(
      'DeploymentOutputEvaluationFailed'
    );
    const deployment = await standIn.deployments.deployments.get('rg-deploy', 'outputs');
    expect(deployment.properties?.error?.details?.[0]?.message).toMatch(
      /^The template output 'broken' is not valid: .*missingProperty/
    );
    expect(stored(`${rgId('rg-deploy')}/providers/Microsoft.Web/sites/site-output`)).toBeDefined();
  });

  it('reports a failed nested deployment as a Conflict operation carrying its DeploymentFailed error', async () => {
    const failing = site('site-nested-fails', {
      properties: { emulatorFailWith: { code: 'QuotaExceeded', message: 'No quota left.' } }
    });
    const template = templateOf([
      {
        type: 'Microsoft.Resources/deployments',
        apiVersion: '2025-04-01',
        name: 'inner-failing',
        properties: {
          mode: 'Incremental',
          expressionEvaluationOptions: { scope: 'inner' },
          template: templateOf([failing])
        }
      }
    ]);
    await expect(deploy('rg-deploy', 'outer-failing', template)).rejects.toThrow('DeploymentFailed');
    const [operation] = await operationsOf('rg-deploy', 'outer-failing');
    expect(operation?.properties).toMatchObject({
      provisioningState: 'Failed',
      statusCode: 'Conflict',
      statusMessage: {
        error: { code: 'DeploymentFailed', details: [{ code: 'QuotaExceeded', message: 'No quota left.' }] }
      }
    });
    const [innerOperation] = await operationsOf('rg-deploy', 'inner-failing');
    expect(innerOperation?.properties).toMatchObject({
      statusCode: 'BadRequest',
      provisioningState: 'Failed'
    });
  });

  it('fails the deployment when a resource fails: nested error, failing operations, and the SDK error', async () => {
    await standIn.group('rg-taken');
    await deploy('rg-taken', 'holder', templateOf([vault('kv-taken-name', [])]));
    const template = templateOf([
      site('site-fails', {
        properties: {
          emulatorFailWith: { code: 'SkuNotAvailable', message: 'The SKU is not available.', status: 409 }
        }
      }),
      site('site-blocked', { dependsOn: ['site-fails'] }),
      vault('kv-taken-name', []),
      site('site-independent')
    ]);
    // core-lro turns the failed Azure-AsyncOperation status into a plain Error naming code and message.
    const error = (await deploy('rg-deploy', 'failing', template).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      'The long-running operation has failed. DeploymentFailed. At least one resource deployment operation ' +
        'failed. Please list deployment operations for details. Please see ' +
        'https://aka.ms/arm-deployment-operations for usage details.'
    );

    const deployment = await standIn.arm(
      'GET',
      `${rgId('rg-deploy')}/providers/Microsoft.Resources/deployments/failing`
    );
    expect(deployment.body.properties.provisioningState).toBe('Failed');
    expect(deployment.body.properties.error).toEqual({
      code: 'DeploymentFailed',
      target: `${rgId('rg-deploy')}/providers/Microsoft.Resources/deployments/failing`,
      message:
        'At least one resource deployment operation failed. Please list deployment operations for details. ' +
        'Please see https://aka.ms/arm-deployment-operations for usage details.',
      details: [
        { code: 'SkuNotAvailable', message: 'The SKU is not available.' },
        { code: 'VaultAlreadyExists', message: expect.stringContaining('kv-taken-name') }
      ]
    });
    const operations = await operationsOf('rg-deploy', 'failing');
    const byName = Object.fromEntries(
      operations.map(op => [op.properties!.targetResource!.resourceName, op.properties!])
    );
    expect(Object.keys(byName).sort()).toEqual(['kv-taken-name', 'site-fails', 'site-independent']);
    expect(byName['site-fails']).toMatchObject({
      provisioningState: 'Failed',
      statusCode: 'Conflict',
      statusMessage: {
        status: 'Failed',
        error: { code: 'SkuNotAvailable', message: 'The SKU is not available.' }
      }
    });
    expect(byName['kv-taken-name']).toMatchObject({
      statusCode: 'Conflict',
      statusMessage: { error: { code: 'VaultAlreadyExists' } }
    });
    expect(byName['site-independent']).toMatchObject({
      provisioningState: 'Succeeded',
      statusCode: 'Created'
    });
    expect(stored(`${rgId('rg-deploy')}/providers/Microsoft.Web/sites/site-blocked`)).toBeUndefined();
  });

  it('answers 409 DeploymentActive to a second PUT while the first still runs', async () => {
    standIn.emulator.knobs.deploymentOperationMs = 300;
    try {
      const body = { properties: { template: templateOf([site('site-slow')]), mode: 'Incremental' } };
      const path = `/subscriptions/${sub}/resourcegroups/rg-deploy/providers/Microsoft.Resources/deployments/slow`;
      const first = await standIn.arm('PUT', path, body);
      expect(first.status).toBe(201);
      expect(first.body.properties.provisioningState).toBe('Accepted');
      expect(first.headers['azure-asyncoperation']).toMatch(
        /\/deployments\/slow\/operationStatuses\/[0-9A-F]{16}\?api-version=2025-04-01$/
      );
      const second = await standIn.arm('PUT', path, body);
      expect(second.status).toBe(409);
      expect(second.body.error.code).toBe('DeploymentActive');
      const status = await standIn.arm('GET', first.headers['azure-asyncoperation'] as string);
      expect(status.body).toEqual({ status: 'Running' });
      let state = 'Running';
      for (let i = 0; i < 100 && state === 'Running'; i++) {
        await sleep(20);
        state = (await standIn.arm('GET', first.headers['azure-asyncoperation'] as string)).body.status;
      }
      expect(state).toBe('Succeeded');
      const done = await standIn.deployments.deployments.get('rg-deploy', 'slow');
      expect(done.properties?.provisioningState).toBe('Succeeded');
      const again = await standIn.deployments.deployments.createOrUpdate(
        'rg-deploy',
        'slow',
        body as never,
        POLL
      );
      expect(again.properties?.provisioningState).toBe('Succeeded');
    } finally {
      delete standIn.emulator.knobs.deploymentOperationMs;
    }
  });

  it('gets, lists and deletes deployment records; 404 DeploymentNotFound for a missing one', async () => {
    const missing = (await standIn.deployments.deployments
      .get('rg-deploy', 'nope')
      .catch((e: unknown) => e)) as {
      statusCode?: number;
      code?: string;
    };
    expect({ statusCode: missing.statusCode, code: missing.code }).toEqual({
      statusCode: 404,
      code: 'DeploymentNotFound'
    });
    const names: string[] = [];
    for await (const d of standIn.deployments.deployments.listByResourceGroup('rg-deploy'))
      names.push(d.name!);
    expect(names).toEqual(expect.arrayContaining(['main', 'conditions', 'copies', 'parent', 'failing']));
    await standIn.deployments.deployments.delete('rg-deploy', 'conditions', POLL);
    expect((await standIn.deployments.deployments.checkExistence('rg-deploy', 'conditions')).body).toBe(
      false
    );
    expect(stored(`${rgId('rg-deploy')}/providers/Microsoft.Web/sites/site-after`)).toBeDefined();
  });

  it('Complete mode deletes resources of the group the template does not deploy', async () => {
    await standIn.group('rg-complete');
    await deploy('rg-complete', 'first', templateOf([site('site-keep'), site('site-drop')]));
    await deploy(
      'rg-complete',
      'second',
      templateOf([site('site-keep'), site('site-cond', { condition: false })]),
      {},
      'Complete'
    );
    expect(stored(`${rgId('rg-complete')}/providers/Microsoft.Web/sites/site-keep`)).toBeDefined();
    expect(stored(`${rgId('rg-complete')}/providers/Microsoft.Web/sites/site-drop`)).toBeUndefined();
    const operations = await operationsOf('rg-complete', 'second');
    expect(
      operations.map(op => [
        op.properties?.provisioningOperation,
        op.properties?.targetResource?.resourceName
      ])
    ).toEqual([
      ['Create', 'site-keep'],
      ['Delete', 'site-drop']
    ]);
    expect(
      (await standIn.deployments.deployments.get('rg-complete', 'first')).properties?.provisioningState
    ).toBe('Succeeded');
  });
});
