import { describe, expect, it } from '@jest/globals';
import { INPUT_NAMES, type InputName, type RawInputs } from '../../src/contract/inputs.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { ConfigurationError } from '../../src/run/errors.js';

const runner = { workspace: process.cwd(), repository: 'octo/repo', runId: '1', path: '' };

function inputs(overrides: Partial<Record<InputName, string>> = {}): RawInputs {
  const base = Object.fromEntries(INPUT_NAMES.map(name => [name, ''])) as Record<InputName, string>;
  return {
    ...base,
    'subscription-id': '00000000-0000-0000-0000-000000000000',
    'resource-group': 'rg-ml',
    audience: 'api://AzureADTokenExchange',
    'arm-endpoint': 'https://management.azure.com',
    'timeout-minutes': '60',
    'deployment-mode': 'Incremental',
    'key-vault-policy': 'preserve',
    'deleted-vault': 'fail',
    'what-if': 'true',
    'dry-run': 'false',
    ...overrides
  };
}

async function problemsOf(raw: RawInputs): Promise<string[]> {
  try {
    await parseConfig(raw, runner);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems.map(p => `${p.input}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('parseConfig', () => {
  it('builds the public-cloud configuration from the defaults', async () => {
    const config = await parseConfig(inputs(), runner);
    expect(config.azure.cloud).toMatchObject({
      name: 'AzureCloud',
      tokenScope: 'https://management.azure.com/.default',
      authorityHost: 'https://login.microsoftonline.com',
      wellKnown: true
    });
    expect(config.timeoutMs).toBe(3_600_000);
    expect(config.azure.location).toBeUndefined();
  });

  it('reports every problem at once, each naming its input', async () => {
    const problems = await problemsOf(
      inputs({
        'subscription-id': 'not-a-guid',
        'resource-group': 'bad/name',
        'arm-endpoint': 'http://management.azure.com',
        'timeout-minutes': '0',
        location: 'west europe!'
      })
    );
    expect(problems.map(p => p.split(':')[0])).toEqual([
      'subscription-id',
      'resource-group',
      'location',
      'arm-endpoint',
      'timeout-minutes'
    ]);
    expect(problems[3]).toMatch(/scheme 'http'.*https only/);
  });

  it('requires client-id and tenant-id together', async () => {
    expect(await problemsOf(inputs({ 'client-id': '12345678-1234-1234-1234-123456789012' }))).toEqual([
      "tenant-id: is empty while 'client-id' is set."
    ]);
  });

  it('accepts a tenant domain and normalises a display-name location', async () => {
    const config = await parseConfig(
      inputs({
        'tenant-id': 'contoso.onmicrosoft.com',
        'client-id': '12345678-1234-1234-1234-123456789012',
        location: 'West Europe'
      }),
      runner
    );
    expect(config.auth.tenantId).toBe('contoso.onmicrosoft.com');
    expect(config.azure.location).toBe('westeurope');
  });

  it('treats a custom ARM endpoint as its own token audience and disables instance discovery', async () => {
    const config = await parseConfig(
      inputs({ 'arm-endpoint': 'https://127.0.0.1:8443', 'authority-host': 'https://127.0.0.1:8443' }),
      runner
    );
    expect(config.azure.cloud).toMatchObject({
      armEndpoint: 'https://127.0.0.1:8443',
      tokenScope: 'https://127.0.0.1:8443/.default',
      authorityHost: 'https://127.0.0.1:8443',
      wellKnown: false
    });
  });

  it('rejects endpoints with a path or credentials', async () => {
    expect(
      (await problemsOf(inputs({ 'arm-endpoint': 'https://user:pw@management.azure.com/x' })))[0]
    ).toMatch(/origin only/);
  });

  it('rejects resource group names ARM rejects', async () => {
    expect((await problemsOf(inputs({ 'resource-group': 'ends.' })))[0]).toMatch(/ends with a period/);
    expect((await problemsOf(inputs({ 'resource-group': 'x'.repeat(91) })))[0]).toMatch(/at most 90/);
    expect(await problemsOf(inputs({ 'resource-group': 'rg_(ok).v-1' }))).toEqual([]);
  });
});
