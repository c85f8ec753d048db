import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INPUT_NAMES, type InputName, type RawInputs } from '../../src/contract/inputs.js';
import { loadInfraConfig } from '../../src/config/infra-config.js';
import type { ConfigurationProblem } from '../../src/run/errors.js';

/** Parameter names are case-insensitive in ARM: files, overrides and declarations match whatever the case. */
const TEMPLATE = {
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  parameters: { location: { type: 'string' }, adminPassword: { type: 'securestring' } },
  resources: []
};

async function load(files: Record<string, unknown>, parameters: string) {
  const workspace = mkdtempSync(join(tmpdir(), 'infra-parameters-'));
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(workspace, name), JSON.stringify(content));
  const blank = Object.fromEntries(INPUT_NAMES.map(name => [name, ''])) as Record<InputName, string>;
  const inputs: RawInputs = {
    ...blank,
    template: 'main.json',
    parameters,
    'deployment-mode': 'Incremental',
    'key-vault-policy': 'preserve',
    'deleted-vault': 'fail',
    'what-if': 'true',
    'dry-run': 'false'
  };
  const problems: ConfigurationProblem[] = [];
  const config = await loadInfraConfig(inputs, { workspace, repository: 'o/r', runId: '1', path: '' }, p =>
    problems.push(p)
  );
  return { config, problems };
}

describe('template parameters, whatever their case', () => {
  it('an override in another case than the declaration sets the declared parameter', async () => {
    const { config, problems } = await load({ 'main.json': TEMPLATE }, 'LOCATION=westeurope');
    expect(problems).toEqual([]);
    expect(config?.inlineParameters).toEqual({ location: 'westeurope' });
  });

  it('refuses Location= and location= overrides together, naming both spellings', async () => {
    const { problems } = await load({ 'main.json': TEMPLATE }, 'Location=westeurope\nlocation=northeurope');
    expect(problems.map(p => p.message)).toEqual([
      "line 2 sets 'location' a second time (line 1 sets 'Location'; parameter names are case-insensitive)."
    ]);
  });

  it('refuses a parameters file setting one parameter under two spellings (one value would go unmasked)', async () => {
    const file = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#',
      contentVersion: '1.0.0.0',
      parameters: { adminPassword: { value: 'first-Secret-1' }, AdminPassword: { value: 'second-Secret-2' } }
    };
    const { problems } = await load(
      { 'main.json': TEMPLATE, 'main.parameters.json': file },
      'main.parameters.json'
    );
    expect(problems).toEqual([
      {
        input: 'parameters',
        file: 'main.parameters.json',
        message:
          "sets parameter 'AdminPassword' a second time (also as 'adminPassword'; parameter names are case-insensitive).",
        fix: 'Keep one entry per parameter.'
      }
    ]);
  });
});
