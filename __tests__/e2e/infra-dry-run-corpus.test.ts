import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator } from '../../emulator/index.js';
import { startAzureStandIn } from '../../emulator/stand-in.js';
import { runAction } from '../../harness/run-action.js';
import { CORPUS_DIR, corpusTemplates, replacePlaceholders } from '../arm/corpus.js';
import { azureInputs, runnerEnv } from './support/action-against-emulator.js';

/**
 * `dry-run: true` on every real quickstart template with a Key Vault: the action lists each vault with its
 * resolved name, or says precisely why it cannot (file, line, reason), and never writes to Azure.
 */
describe('dry run over the Key Vault quickstart corpus', () => {
  let emulator: Emulator;
  let workspace: string;

  beforeAll(async () => {
    emulator = await startAzureStandIn({ blob: false });
    workspace = mkdtempSync(join(tmpdir(), 'corpus-dry-run-'));
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it('names every vault or explains why, with zero writes', async () => {
    const outcomes: string[] = [];
    let listed = 0;
    for (const template of corpusTemplates()) {
      copyFileSync(join(CORPUS_DIR, template), join(workspace, template));
      const parametersName = template.replace(/\.json$/, '.parameters.json');
      const hasParameters = !template.endsWith('.main.json') && existsSync(join(CORPUS_DIR, parametersName));
      if (hasParameters) {
        writeFileSync(
          join(workspace, parametersName),
          replacePlaceholders(readFileSync(join(CORPUS_DIR, parametersName), 'utf8'))
        );
      }
      emulator.requestLog.clear();
      const run = await runAction({
        inputs: {
          ...azureInputs(emulator.facts),
          'resource-group': 'my-rg',
          location: 'westeurope',
          template,
          parameters: hasParameters ? parametersName : '',
          'dry-run': 'true'
        },
        env: runnerEnv(emulator.facts),
        workspace
      });
      expect({ template, writes: emulator.requestLog.writes() }).toEqual({ template, writes: [] });
      if (run.exitCode === 0) {
        const vaults = JSON.parse(run.outputs['key-vaults']!) as { name: string }[];
        expect({
          template,
          named: vaults.length > 0 && vaults.every(v => /^[a-z0-9-]{3,24}$/i.test(v.name))
        }).toEqual({ template, named: true });
        listed++;
        outcomes.push(`${template}: ${vaults.map(v => v.name).join(', ')}`);
      } else {
        // A refusal must point at the template (or parameters) file and line and say why.
        const errors = run.annotations.filter(a => a.level === 'error' && a.properties.file);
        expect({ template, located: errors.length > 0 }).toEqual({ template, located: true });
        outcomes.push(
          `${template}: refused — ${errors.map(e => `${e.properties.file}:${e.properties.line} ${e.message}`).join(' | ')}`
        );
      }
    }
    console.log(outcomes.join('\n'));
    expect(listed).toBeGreaterThanOrEqual(30);
    // One run of the action per template, 46 in all: about a second each on an idle runner.
  }, 600_000);
});
