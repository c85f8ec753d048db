import { describe, expect, it } from '@jest/globals';
import { INPUT_NAMES, type InputName, type RawInputs } from '../../src/contract/inputs.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { offlineProblems } from '../../src/infra/plan-infra.js';

const runner = { workspace: process.cwd(), repository: 'octo/repo', runId: '1', path: '' };

function inputs(parameters: string): RawInputs {
  const base = Object.fromEntries(INPUT_NAMES.map(name => [name, ''])) as Record<InputName, string>;
  return {
    ...base,
    'subscription-id': '00000000-0000-0000-0000-000000000000',
    'resource-group': 'rg-ml',
    location: 'westeurope',
    audience: 'api://AzureADTokenExchange',
    'arm-endpoint': 'https://management.azure.com',
    'timeout-minutes': '60',
    'deployment-mode': 'Incremental',
    'key-vault-policy': 'preserve',
    'deleted-vault': 'fail',
    'what-if': 'true',
    'dry-run': 'false',
    // The compiled AVM Key Vault module (languageVersion 2.0): `lock` is declared as `$ref` to a definition.
    template: '__tests__/fixtures/avm/key-vault__vault.main.json',
    parameters
  };
}

describe('inline parameters of user-defined types', () => {
  it('types a $ref parameter by the definition it refers to, and the offline check accepts it', async () => {
    const config = await parseConfig(
      inputs('name=kv-avm-01\nlock={"kind": "CanNotDelete"}'),
      runner,
      [],
      offlineProblems
    );
    expect(config.infra!.inlineParameters).toEqual({ name: 'kv-avm-01', lock: { kind: 'CanNotDelete' } });
  });

  it('still refuses a value that is not of the referred type', async () => {
    await expect(
      parseConfig(inputs('name=kv-avm-01\nlock=oops'), runner, [], offlineProblems)
    ).rejects.toThrow(/parameter 'lock': 'oops' is not a valid object/);
  });
});
