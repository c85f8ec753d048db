import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isUnknown, resolveParameters, walkTemplate, type WalkedResource } from '../../src/arm/index.js';
import { CORPUS_CONTEXT, CORPUS_DIR, corpusTemplates, loadCorpus, vectors } from './corpus.js';

/** uniqueString(resourceGroup().id) for /subscriptions/0…0/resourceGroups/my-rg: a published vector. */
const RG_UNIQUE = vectors.published.find(v => v.args[0]!.endsWith('/resourceGroups/my-rg'))!.expected;
/** uniqueString(subscription().id, resourceGroup().id): computed by the independent Python implementation. */
const SUB_RG_UNIQUE = 'w3zyahp4bxue6';

/** Required parameters of the network-restricted main.json, which has no parameters file. */
const NETWORK_RESTRICTED_INLINE = {
  prefix: 'ci123456',
  vnetName: 'vnet',
  vnetRgName: 'my-rg',
  subnetName: 'snet'
};

function vaults(file: string, inline?: Record<string, unknown>): WalkedResource[] {
  const { template, parameters } = loadCorpus(file);
  const resolved = resolveParameters(template, { file: parameters, inline }, CORPUS_CONTEXT);
  const walk = walkTemplate(template, { parameters: resolved.values, context: CORPUS_CONTEXT });
  return walk.resources.filter(r => r.type.toLowerCase() === 'microsoft.keyvault/vaults');
}

/**
 * Expected vault names, derived by reading each template (and its parameters file with placeholders replaced:
 * GEN-UNIQUE → ci1234, GEN-UNIQUE-8 → ci123456, GEN-UNIQUE-10 → ci12345678, GEN-UNIQUE-3 → ci1,
 * GEN-KEYVAULT-NAME → kvci1234), not by running the engine.
 */
const EXPECTED: [file: string, name: string, derivation: string][] = [
  [
    'demos__aks-nat-agic.json',
    `keyvault-${RG_UNIQUE}`,
    "default format('keyvault-{0}', uniqueString(rg.id))"
  ],
  [
    'quickstarts__microsoft.apimanagement__api-management-key-vault-create.json',
    `kv-${RG_UNIQUE}`,
    "default format('kv-{0}', …)"
  ],
  [
    'quickstarts__microsoft.app__container-app-dapr-pubsub-servicebus.json',
    `kv-pubsubsb${RG_UNIQUE}`,
    "nameseed default 'pubsubsb'"
  ],
  [
    'quickstarts__microsoft.azurestackhci__create-cluster-3Nodes-Switchless-SingleLink.json',
    'ThreeNClusterKeyVault',
    'parameters file'
  ],
  ['quickstarts__microsoft.azurestackhci__upgrade-cluster.json', 'armkvupgrade', 'parameters file'],
  [
    'quickstarts__microsoft.compute__encrypt-create-new-vm-gallery-image-managed-disks.json',
    'ci123456',
    'GEN-UNIQUE-8'
  ],
  ['quickstarts__microsoft.compute__encrypt-running-vmss-windows.json', 'ci12345678', 'GEN-UNIQUE-10'],
  ['quickstarts__microsoft.compute__encrypt-running-windows-vm.json', 'ci123456', 'GEN-UNIQUE-8'],
  ['quickstarts__microsoft.compute__encrypt-vmss-windows-jumpbox.json', 'ci1234', 'GEN-UNIQUE'],
  [
    'quickstarts__microsoft.datalakestore__data-lake-store-encryption-key-vault__prereqs.json',
    'ci1234',
    'GEN-UNIQUE; file has multi-line strings'
  ],
  [
    'quickstarts__microsoft.keyvault__key-vault-managed-identity-role-assignment.json',
    `kv${RG_UNIQUE}`,
    "format('kv{0}', …)"
  ],
  [
    'quickstarts__microsoft.keyvault__key-vault-private-endpoint.json',
    `vault${RG_UNIQUE}`,
    "concat('vault', …)"
  ],
  [
    'quickstarts__microsoft.machinelearningservices__aistudio-cmk-service-side-encryption.json',
    `kv-ci123456-${RG_UNIQUE.slice(0, 4)}`,
    'inner deployment: kv-{toLower(aiHubName)}-{substring(uniqueString,0,4)}'
  ],
  [
    'quickstarts__microsoft.machinelearningservices__aistudio-network-restricted.json',
    `kv-ci123456-${RG_UNIQUE.slice(0, 4)}`,
    'inner deployment depth 2, prefix GEN-UNIQUE-8'
  ],
  [
    'quickstarts__microsoft.machinelearningservices__machine-learning-compute-create-amlcompute__prereqs.json',
    `kv${RG_UNIQUE}`,
    "concat('kv', …)"
  ],
  [
    'quickstarts__microsoft.machinelearningservices__machine-learning-private-ip.json',
    `kv${RG_UNIQUE}`,
    "variable format('kv{0}', …)"
  ],
  [
    'quickstarts__microsoft.machinelearningservices__machine-learning-workspace-cmk.json',
    'kv-ci123456-ci1',
    "format('kv-{0}-{1}', name, environment)"
  ],
  [
    'quickstarts__microsoft.network__azurefirewall-premium.json',
    `fw-quick-${SUB_RG_UNIQUE}`,
    'uniqueString(subscription().id, resourceGroup().id)'
  ],
  [
    'quickstarts__microsoft.network__private-endpoint.json',
    'kvci1234-mifal',
    "format('{0}-mifal', GEN-KEYVAULT-NAME)"
  ],
  [
    'quickstarts__microsoft.resources__deployment-script-azcli-agw-certificates.json',
    'ci1234',
    'AkvName = GEN-UNIQUE'
  ],
  [
    'quickstarts__microsoft.web__private-webapp-with-app-gateway-and-apim.json',
    `kv-${RG_UNIQUE}`,
    "format('kv-{0}', baseName = uniqueString(rg.id))"
  ]
];

describe('Key Vault corpus', () => {
  it.each(EXPECTED)('%s names its vault %s', (file, name) => {
    const found = vaults(file);
    expect(found.map(v => v.name)).toEqual([name]);
    expect(found[0]!.condition).toBe(true);
  });

  it('a main.json without parameters file reports the missing required parameter, and resolves with it given', () => {
    const file = 'quickstarts__microsoft.machinelearningservices__aistudio-network-restricted.main.json';
    const { template } = loadCorpus(file);
    const resolved = resolveParameters(template, {}, CORPUS_CONTEXT);
    const missing = resolved.problems.map(p => [p.kind, p.parameter]);
    expect(missing).toEqual(
      ['vnetName', 'vnetRgName', 'subnetName', 'prefix'].map(name => ['missing', name])
    );
    expect(resolved.problems[0]!.location).toMatchObject({ file, line: 42, column: 17 });
    expect(resolved.problems[0]!.message).toMatch(/parameter 'vnetName' has no value and no default/);
    const inline = { ...NETWORK_RESTRICTED_INLINE, prefix: 'Ci123456' };
    expect(vaults(file, inline).map(v => v.name)).toEqual([`kv-ci123456-${RG_UNIQUE.slice(0, 4)}`]);
  });

  it('the utcNow-named vault is Unknown and says why', () => {
    const [vault] = vaults('quickstarts__microsoft.azure-ai-agent-service__standard-agent.json');
    expect(isUnknown(vault!.name)).toBe(true);
    expect(isUnknown(vault!.name) && vault!.name.reason).toMatch(/utcNow\(\)/);
  });

  it('the vault behind a condition on a parameter gets the evaluated condition', () => {
    const file =
      'quickstarts__microsoft.machinelearningservices__machine-learning-linkedservice-create__prereqs.json';
    const { template, parameters } = loadCorpus(file);
    for (const [choice, expected] of [
      ['new', true],
      ['existing', false]
    ] as const) {
      const resolved = resolveParameters(
        template,
        { file: parameters, inline: { keyVaultNewOrExisting: choice } },
        CORPUS_CONTEXT
      );
      const walk = walkTemplate(template, { parameters: resolved.values, context: CORPUS_CONTEXT });
      const vault = walk.resources.find(r => r.type === 'Microsoft.KeyVault/vaults');
      expect(vault?.condition).toBe(expected);
    }
  });

  it.each(corpusTemplates())('%s: every vault is resolved or says precisely why not', file => {
    const found = vaults(
      file,
      file.includes('network-restricted.main') ? NETWORK_RESTRICTED_INLINE : undefined
    );
    const index = readFileSync(join(CORPUS_DIR, 'INDEX.tsv'), 'utf8')
      .split('\n')
      .find(l => l.startsWith(`${file}\t`));
    const expectedCount = Number(index!.split('\t')[4]);
    expect(found).toHaveLength(expectedCount);
    for (const vault of found) {
      if (isUnknown(vault.name)) expect(vault.name.reason).toMatch(/\S{10,}/);
      else expect(vault.name).toMatch(/^[A-Za-z0-9-]{3,24}$/);
      expect(vault.source.file).toBe(file);
      expect(vault.source.line).toBeGreaterThan(1);
    }
  });
});
