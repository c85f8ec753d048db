import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDeploymentsStandIn, type DeploymentsStandIn } from '../fixtures/deployments/stand-in.js';
import { site, templateOf } from '../fixtures/deployments/templates.js';

/**
 * ARM refuses resources of a namespace it does not know (`InvalidResourceNamespace`) or that the subscription
 * has not registered (`MissingSubscriptionRegistration`), on a direct PUT and at a deployment's preflight.
 */
describe('resource provider namespaces', () => {
  let standIn: DeploymentsStandIn;
  let rg: string;
  let sub: string;

  beforeAll(async () => {
    standIn = await startDeploymentsStandIn();
    await standIn.group('rg-ns');
    sub = `/subscriptions/${standIn.emulator.facts.subscriptionId}`;
    rg = `${sub}/resourceGroups/rg-ns`;
  });
  afterAll(async () => {
    await standIn?.stop();
  });

  const widget = {
    type: 'Microsoft.Nope/widgets',
    apiVersion: '2024-01-01',
    name: 'w1',
    location: 'westeurope',
    properties: {}
  };
  const validate = (name: string, resources: unknown[]) =>
    standIn.arm('POST', `${rg}/providers/Microsoft.Resources/deployments/${name}/validate`, {
      properties: { mode: 'Incremental', template: templateOf(resources) }
    });

  it('refuses an unknown namespace on PUT and at validation', async () => {
    const put = await standIn.arm('PUT', `${rg}/providers/Microsoft.Nope/widgets/w1?api-version=2024-01-01`, {
      location: 'westeurope'
    });
    expect(put.status).toBe(400);
    expect(put.body.error).toEqual({
      code: 'InvalidResourceNamespace',
      message: "The resource namespace 'Microsoft.Nope' is invalid."
    });
    const validated = await validate('nope', [widget]);
    expect(validated.status).toBe(400);
    expect(validated.body.error.code).toBe('InvalidResourceNamespace');
    expect(standIn.emulator.store.list({ under: rg })).toEqual([]);
  });

  it('refuses a namespace the subscription unregistered, until it is registered again', async () => {
    const unregistered = await standIn.arm(
      'POST',
      `${sub}/providers/Microsoft.Web/unregister?api-version=2021-04-01`
    );
    expect(unregistered.body.registrationState).toBe('NotRegistered');
    const validated = await validate('unregistered', [site('site-ns')]);
    expect(validated.status).toBe(409);
    expect(validated.body.error.code).toBe('MissingSubscriptionRegistration');
    expect(validated.body.error.message).toMatch(/not registered to use namespace 'Microsoft\.Web'/);

    await standIn.arm('POST', `${sub}/providers/Microsoft.Web/register?api-version=2021-04-01`);
    expect((await validate('registered', [site('site-ns')])).status).toBe(200);
    const shown = await standIn.arm('GET', `${sub}/providers/Microsoft.Web?api-version=2021-04-01`);
    expect(shown.body).toMatchObject({ namespace: 'Microsoft.Web', registrationState: 'Registered' });
  });
});
