import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'jsonc-parser';
import type { Emulator } from '../../emulator/index.js';
import type { ActionRun } from '../../harness/run-action.js';
import { uniqueString } from '../../src/arm/unique-string.js';
import { armToken, send } from '../emulator/client.js';
import { startInfraBench, type InfraBench } from './support/infra-bench.js';

/**
 * A re-run of an unchanged template writes nothing: the previous deployment of the same name succeeded with the
 * same template and parameters (its fingerprint tag), the guard finds every vault as the template wants it, and
 * what-if finds nothing to change. Anything else — a drifted resource, a changed parameter, a securestring —
 * deploys as before.
 */
const CI_OBJECT_ID = '11111111-2222-3333-4444-555555555555';

describe('infra stage: an unchanged template is not deployed again (dist/index.js against the stand-in)', () => {
  let bench: InfraBench;
  let emulator: Emulator;

  beforeAll(async () => {
    bench = await startInfraBench([]);
    emulator = bench.emulator;
    // The fixture without its securestring parameter and the secret that uses it.
    const { workspace } = bench;
    const template = parse(readFileSync(join(workspace, 'ml-workspace.json'), 'utf8')) as {
      parameters: Record<string, unknown>;
      resources: { type: string }[];
    };
    delete template.parameters.adminPassword;
    template.resources = template.resources.filter(r => r.type !== 'Microsoft.KeyVault/vaults/secrets');
    writeFileSync(join(workspace, 'no-secrets.json'), JSON.stringify(template, null, 2));
  });
  afterAll(async () => {
    await bench?.stop();
  });

  const deployNoSecrets = (
    group: string,
    extra: Record<string, string> = {},
    env: Record<string, string> = {}
  ) =>
    bench.deploy(
      group,
      {
        template: 'no-secrets.json',
        parameters: `prefix=mlops\nciObjectId=${CI_OBJECT_ID}`,
        ...extra
      },
      env
    );

  /** `PUT …/deployments/<name>` and every other write the run sent, as `METHOD path`. */
  async function writesOf(run: () => Promise<ActionRun>): Promise<{ run: ActionRun; writes: string[] }> {
    emulator.requestLog.clear();
    const result = await run();
    expect({
      exitCode: result.exitCode,
      log: result.exitCode === 0 ? '' : result.stdout.slice(-3000)
    }).toEqual({
      exitCode: 0,
      log: ''
    });
    return {
      run: result,
      writes: emulator.requestLog
        .writes()
        .map(entry => `${entry.method} ${entry.path.replace(/^.*\/resourceGroups\/[^/]+/i, '…')}`)
    };
  }

  it('writes nothing on a re-run, and sets the same outputs', async () => {
    const first = await writesOf(() => deployNoSecrets('rg-unchanged'));
    expect(first.writes.some(w => /^PUT …\/providers\/Microsoft\.Resources\/deployments\//i.test(w))).toBe(
      true
    );

    const again = await writesOf(() => deployNoSecrets('rg-unchanged'));
    expect(again.writes).toEqual([]);
    expect(again.run.outputs['changes-detected']).toBe('false');
    expect(again.run.outputs.vaultName).toBe(first.run.outputs.vaultName);
    expect(again.run.outputs['template-outputs']).toBe(first.run.outputs['template-outputs']);
    expect(again.run.summary).toContain('was not sent again');
  });

  it('writes nothing in the next workflow run either (a new run id, so a new default deployment name)', async () => {
    const runner = (runId: string) => ({ GITHUB_REPOSITORY: 'octo/models', GITHUB_RUN_ID: runId });
    const first = await writesOf(() => deployNoSecrets('rg-next-run', {}, runner('1001')));
    expect(first.writes).toContain('PUT …/providers/Microsoft.Resources/deployments/models-no-secrets-1001');

    const next = await writesOf(() => deployNoSecrets('rg-next-run', {}, runner('1002')));
    expect(next.writes).toEqual([]);
    expect(next.run.outputs['template-outputs']).toBe(first.run.outputs['template-outputs']);
    expect(next.run.summary).toContain("same template and parameters as 'models-no-secrets-1001'");

    // A changed parameter in a third run is deployed, under that run's name.
    const changed = await writesOf(() =>
      deployNoSecrets(
        'rg-next-run',
        { parameters: `prefix=mlops\nciObjectId=${CI_OBJECT_ID.replace('5555', '7777')}` },
        runner('1003')
      )
    );
    expect(changed.writes).toContain(
      'PUT …/providers/Microsoft.Resources/deployments/models-no-secrets-1003'
    );
  });

  it('deploys again when a resource drifted from the template (what-if sees it)', async () => {
    await writesOf(() => deployNoSecrets('rg-drift'));
    // The template's own name for it: format('st{0}{1}', prefix, uniqueString(resourceGroup().id)).
    const groupId = `/subscriptions/${emulator.facts.subscriptionId}/resourceGroups/rg-drift`;
    const storage = {
      id: `${groupId}/providers/Microsoft.Storage/storageAccounts/stmlops${uniqueString(groupId)}`
    };
    // Someone lowers the storage account's TLS minimum by hand (a plain ARM PUT, outside the template).
    const drifted = await send(emulator, 'PUT', `${storage.id}?api-version=2023-01-01`, {
      token: await armToken(emulator),
      body: {
        location: 'westeurope',
        sku: { name: 'Standard_LRS' },
        kind: 'StorageV2',
        properties: { minimumTlsVersion: 'TLS1_0' }
      }
    });
    expect(drifted.status).toBeLessThan(300);
    const again = await writesOf(() => deployNoSecrets('rg-drift'));
    expect(again.writes.filter(w => /\/deployments\//i.test(w))).toHaveLength(1);
    expect(again.run.summary).not.toContain('was not sent again');
  });

  it("deploys again when someone removed one of the template's own access policies, and restores it", async () => {
    const first = await writesOf(() => deployNoSecrets('rg-removed'));
    const vault = first.run.outputs.vaultName!;
    const keyVault = bench.clients.factory.keyVault();
    await keyVault.vaults.updateAccessPolicy('rg-removed', vault, 'remove', {
      properties: {
        accessPolicies: [
          {
            tenantId: emulator.facts.tenantId,
            objectId: CI_OBJECT_ID,
            permissions: { secrets: ['get', 'list'] }
          }
        ]
      }
    });
    const policies = async () =>
      ((await keyVault.vaults.get('rg-removed', vault)).properties.accessPolicies ?? []).map(p => p.objectId);
    expect(await policies()).toEqual([]);

    const again = await writesOf(() => deployNoSecrets('rg-removed'));
    expect(again.writes.filter(w => /\/deployments\//i.test(w))).toHaveLength(1);
    expect(await policies()).toEqual([CI_OBJECT_ID]);
  });

  it('deploys again when a parameter changed, and always with a securestring parameter', async () => {
    await writesOf(() => deployNoSecrets('rg-param'));
    const changed = await writesOf(() =>
      deployNoSecrets('rg-param', {
        parameters: `prefix=mlops\nciObjectId=${CI_OBJECT_ID.replace('5555', '6666')}`
      })
    );
    expect(changed.writes.filter(w => /\/deployments\//i.test(w))).toHaveLength(1);

    await writesOf(() => bench.deploy('rg-secure'));
    const secure = await writesOf(() => bench.deploy('rg-secure'));
    // The securestring's value cannot be compared (ARM never returns it): the deployment is sent.
    expect(secure.writes.filter(w => /\/deployments\//i.test(w))).toHaveLength(1);
  });
});
