/**
 * Walks a synthetic template with 2,000 resources (copy loops, inline children, nested inner-scope
 * deployments) and prints the median walk time and heap. Target: under 1 s.
 * Run: npx tsx bench/template-walk.bench.ts
 */
import { loadTemplate, resolveParameters, walkTemplate } from '../src/arm/index.js';

const CONTEXT = {
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  tenantId: '11111111-1111-1111-1111-111111111111',
  resourceGroup: { name: 'my-rg', location: 'westeurope' },
  deploymentName: 'bench'
};

/** 500 vaults × (vault + 1 inline secret) + 10 nested deployments × (1 + 99 storage accounts) = 2,000. */
function syntheticTemplate(): string {
  const nested = {
    type: 'Microsoft.Resources/deployments',
    apiVersion: '2022-09-01',
    name: "[format('nested-{0}', copyIndex())]",
    copy: { name: 'deployments', count: 10 },
    properties: {
      mode: 'Incremental',
      expressionEvaluationOptions: { scope: 'inner' },
      parameters: { prefix: { value: "[format('{0}{1}', variables('prefix'), copyIndex())]" } },
      template: {
        parameters: { prefix: { type: 'string' } },
        variables: { suffix: "[uniqueString(resourceGroup().id, parameters('prefix'))]" },
        resources: [
          {
            type: 'Microsoft.Storage/storageAccounts',
            apiVersion: '2023-01-01',
            name: "[take(format('st{0}{1}{2}', parameters('prefix'), copyIndex(), variables('suffix')), 24)]",
            location: '[resourceGroup().location]',
            copy: { name: 'accounts', count: 99 },
            properties: { tags: "[createObject('index', string(copyIndex()))]" }
          }
        ]
      }
    }
  };
  const vaults = {
    type: 'Microsoft.KeyVault/vaults',
    apiVersion: '2023-07-01',
    name: "[format('kv-{0}-{1}', variables('prefix'), padLeft(copyIndex(), 3, '0'))]",
    location: '[resourceGroup().location]',
    condition: '[not(equals(mod(copyIndex(), 7), 6))]',
    copy: { name: 'vaults', count: 500 },
    properties: {
      tenantId: '[subscription().tenantId]',
      accessPolicies: [{ objectId: "[reference('identity').principalId]", permissions: { secrets: ['get'] } }]
    },
    resources: [
      {
        type: 'secrets',
        apiVersion: '2023-07-01',
        name: 'conn',
        properties: { value: "[listKeys('st', '2023-01-01').keys[0].value]" }
      }
    ]
  };
  return JSON.stringify(
    {
      variables: { prefix: "[toLower(parameters('env'))]" },
      parameters: { env: { type: 'string', defaultValue: 'Bench' } },
      resources: [vaults, nested]
    },
    null,
    2
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const text = syntheticTemplate();
const times: number[] = [];
let count = 0;
for (let run = 0; run < 7; run++) {
  const start = performance.now();
  const template = loadTemplate(text, 'synthetic.json');
  const { values } = resolveParameters(template, {}, CONTEXT);
  const walk = walkTemplate(template, { parameters: values, context: CONTEXT });
  for (const resource of walk.resources) resource.properties();
  count = walk.resources.length;
  times.push(performance.now() - start);
}
const heapMiB = process.memoryUsage().heapUsed / 1024 / 1024;
console.log(
  `template-walk: ${count} resources, median ${median(times).toFixed(1)} ms over ${times.length} runs ` +
    `(load + parameters + walk + properties), heap used ${heapMiB.toFixed(1)} MiB`
);
if (count !== 2000) throw new Error(`expected 2000 resources, walked ${count}`);
