import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkModule } from '../../harness/avm-corpus.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

function template(schema: string, resources = '[]'): string {
  return `{
  "$schema": "${schema}",
  "contentVersion": "1.0.0.0",
  "parameters": { "location": { "type": "string", "defaultValue": "[deployment().location]" } },
  "resources": ${resources}
}`;
}

describe('the offline check at configuration (key-vault-policy: preserve)', () => {
  it.each([
    [
      'subscription',
      'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
      'az deployment sub create'
    ],
    [
      'management-group',
      'https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#',
      'az deployment mg create'
    ],
    [
      'tenant',
      'https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#',
      'az deployment tenant create'
    ]
  ])(
    'refuses a %s-scope template once, naming the scope, the $schema and the file',
    (scope, schema, command) => {
      const problems = checkModule(template(schema), 'infra/main.json');
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(
        `infra/main.json:2: This template deploys at ${scope} scope (its $schema is ${schema})`
      );
      expect(problems[0]).toContain('not supported yet');
      expect(problems[0]).toContain(command);
      expect(problems[0]).not.toMatch(/deployment\(\)\.location|doesn't exist/);
    }
  );

  it('checks a resource-group template as before', () => {
    const schema = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
    expect(checkModule(template(schema), 'main.json')).toEqual([
      expect.stringMatching(/default of parameter 'location' cannot be evaluated/)
    ]);
  });

  it("does not refuse a vault declared twice, once named from a module's outputs", () => {
    const file = join(FIXTURES, 'arm', 'nested-bicep-modules.json');
    expect(checkModule(readFileSync(file, 'utf8'), 'main.json')).toEqual([]);
  });
});
