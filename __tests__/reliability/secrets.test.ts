import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGitHubStandIn, type GitHubStandIn } from '../../emulator/github/index.js';
import type { ActionRun } from '../../harness/run-action.js';
import { CANARIES, CANARY, canaryLeaksIn, visibleText } from './support/canary.js';
import { startReliabilityBench, type ReliabilityBench } from './support/reliability-bench.js';

/**
 * Secrets: securestring canaries, given through the parameters file or inline, on the paths most likely to
 * leak them — success with what-if in the summary, runner debug logging, ARM errors that quote the value, a
 * secure template output, refusals of the value itself. Each run: the canary is nowhere in the masked log,
 * stderr, summary or outputs, and is registered with `::add-mask::` before the first line that could show it.
 * (The property, corpus and fault-matrix files check the same on every one of their runs.)
 */

const FIXTURES = new URL('../fixtures/reliability/', import.meta.url);
const INLINE_CANARY = 'Canary-Inline-Override-3a8d41e6';

const template = (resources: unknown[], extra: Record<string, unknown> = {}) => ({
  contentVersion: '1.0.0.0',
  parameters: {
    adminPassword: { type: 'securestring' },
    ...((extra.parameters as object) ?? {})
  },
  resources,
  ...(extra.outputs ? { outputs: extra.outputs } : {})
});

describe('secrets: securestring canaries never visible, always masked (dist/index.js)', () => {
  let bench: ReliabilityBench;
  let github: GitHubStandIn;

  beforeAll(async () => {
    [bench, github] = await Promise.all([startReliabilityBench(), startGitHubStandIn()]);
    for (const name of ['corpus-template.json', 'corpus-template.parameters.json'])
      copyFileSync(new URL(name, FIXTURES), join(bench.workspace, name));
    bench.write('canary.parameters.json', { parameters: { adminPassword: { value: CANARY } } });
    // ARM quotes an invalid vault name back in its error (VaultNameNotValid): here the name is the secure value.
    bench.write(
      'secret-in-error.json',
      template([
        {
          type: 'Microsoft.KeyVault/vaults',
          apiVersion: '2023-07-01',
          name: "[concat(parameters('adminPassword'), '--')]",
          location: '[resourceGroup().location]',
          properties: {
            tenantId: '[subscription().tenantId]',
            sku: { family: 'A', name: 'standard' },
            accessPolicies: []
          }
        }
      ])
    );
    bench.write(
      'secure-output.json',
      template([], {
        outputs: {
          password: { type: 'securestring', value: "[parameters('adminPassword')]" },
          passwordLength: { type: 'int', value: "[length(parameters('adminPassword'))]" }
        }
      })
    );
    bench.write(
      'secret-allowed-values.json',
      template([], {
        parameters: { adminPassword: { type: 'securestring', allowedValues: ['Something-Else-1'] } }
      })
    );
    for (const [label, canary] of Object.entries(CANARIES))
      bench.write(`${label}.parameters.json`, { parameters: { adminPassword: { value: canary } } });
    // Item 3 of issue 13: a secret echoed through a plain string output and a listKeys() key in an output;
    // item 2: template outputs named like the action's own (`Status`, `healthy`).
    bench.write(
      'secret-outputs.json',
      template(
        [
          {
            type: 'Microsoft.Storage/storageAccounts',
            apiVersion: '2023-01-01',
            name: 'canarystore1',
            location: '[resourceGroup().location]',
            sku: { name: 'Standard_LRS' },
            kind: 'StorageV2'
          }
        ],
        {
          outputs: {
            echo: { type: 'string', value: "[concat('pw=', parameters('adminPassword'))]" },
            storageKey: {
              type: 'string',
              value:
                "[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'canarystore1'), '2023-01-01').keys[0].value]"
            },
            storageName: { type: 'string', value: 'canarystore1' },
            Status: { type: 'string', value: 'from-the-template' },
            healthy: { type: 'bool', value: true }
          }
        }
      )
    );
    // The action's offline engine evaluates a vault's name to guard it: json() of the secure value fails there,
    // and its error must not quote the value.
    bench.write(
      'secret-in-json.json',
      template([
        {
          type: 'Microsoft.KeyVault/vaults',
          apiVersion: '2023-07-01',
          name: "[string(json(parameters('adminPassword')))]",
          location: '[resourceGroup().location]',
          properties: {
            tenantId: '[subscription().tenantId]',
            sku: { family: 'A', name: 'standard' },
            accessPolicies: []
          }
        }
      ])
    );
    bench.write(
      'secret-wrong-type.json',
      template([], { parameters: { adminPassword: { type: 'secureobject' } } })
    );
  });
  afterAll(async () => {
    await Promise.all([bench?.stop(), github?.stop()]);
  });

  function expectKept(run: ActionRun, secrets: string[], masked: boolean): void {
    for (const secret of secrets) {
      expect({ secret, visible: visibleText(run).includes(secret) }).toEqual({ secret, visible: false });
      if (!masked) continue;
      expect(run.masks).toContain(secret);
      // The mask must come before any line that carries the value, or the runner shows that line unmasked.
      const maskLine = run.stdout.indexOf(`::add-mask::${secret}`);
      const firstUse = run.stdout.replace(`::add-mask::${secret}`, '').indexOf(secret);
      expect({ secret, maskedFirst: firstUse === -1 || maskLine < firstUse }).toEqual({
        secret,
        maskedFirst: true
      });
    }
  }

  it('success with what-if changes in the summary, file and inline canaries', async () => {
    const run = await bench.run({
      'resource-group': 'rg-secrets',
      location: 'westeurope',
      template: 'corpus-template.json',
      parameters: `corpus-template.parameters.json\nadminPassword=${INLINE_CANARY}`
    });
    expect(run.exitCode).toBe(0);
    expect(run.summary).toMatch(/what-if|Create|Modify/i);
    expectKept(run, [INLINE_CANARY], true);
    expect(visibleText(run)).not.toContain(CANARY);
  });

  it('a re-run with runner debug logging on', async () => {
    const run = await bench.run(
      {
        'resource-group': 'rg-secrets',
        location: 'westeurope',
        template: 'corpus-template.json',
        parameters: 'corpus-template.parameters.json'
      },
      { env: { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' } }
    );
    expect(run.exitCode).toBe(0);
    expectKept(run, [CANARY], true);
  });

  it('an ARM error that quotes the secure value back: the log stays masked', async () => {
    const run = await bench.run({
      'resource-group': 'rg-secrets',
      template: 'secret-in-error.json',
      parameters: 'canary.parameters.json'
    });
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'infra']);
    expect(run.masks).toContain(CANARY);
    expect(run.visibleLog + run.stderr).not.toContain(CANARY);
  });

  // A secure value that flows into a resource name (here a vault named from a securestring) reaches the
  // failed-resources, Key Vaults and what-if tables and the `key-vaults` output: the runner masks the log only,
  // so the summary and the outputs are redacted by the action (src/report/redaction.ts).
  it('an ARM error that quotes the secure value back: summary and outputs redact it', async () => {
    const run = await bench.run({
      'resource-group': 'rg-secrets',
      template: 'secret-in-error.json',
      parameters: 'canary.parameters.json'
    });
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'infra']);
    expectKept(run, [CANARY], true);
  });

  it('a securestring template output is left out of template-outputs', async () => {
    const run = await bench.run({
      'resource-group': 'rg-secrets',
      template: 'secure-output.json',
      parameters: 'canary.parameters.json'
    });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.outputs['template-outputs']!)).toEqual({ passwordLength: CANARY.length });
    expectKept(run, [CANARY], true);
  });

  // Was a defect (fixed): ARM never returns the value of a securestring output (the stand-in, like ARM, sends only its type),
  // yet src/infra/template-outputs.ts turns the missing value into the text "null", and the adapter sets a step
  // output `password` = "null" and registers "null" with ::add-mask::, so the runner then replaces every later
  // "null" in the job's log with ***. Expected: no step output (or an empty one) and no mask for "null".
  it('a securestring template output without a value sets no "null" output and no "null" mask', async () => {
    const run = await bench.run({
      'resource-group': 'rg-secrets',
      template: 'secure-output.json',
      parameters: 'canary.parameters.json'
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.password ?? '').not.toBe('null');
    expect(run.masks).not.toContain('null');
  });

  it('a refused secure value (wrong type) is not echoed', async () => {
    const run = await bench.run({
      'resource-group': 'rg-secrets',
      template: 'secret-wrong-type.json',
      parameters: 'canary.parameters.json'
    });
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'configuration']);
    expectKept(run, [CANARY], false);
  });

  // Was a defect (fixed): a securestring value outside the parameter's allowedValues is quoted in the configuration error
  // ("parameter 'adminPassword' is \"<value>\"; allowed: …", src/arm/parameter-checks.ts checkAllowed), and
  // configuration errors are reported before any mask is registered (src/main.ts masks after parseConfig), so
  // the runner shows the secret in the log, the annotation and the job summary.
  it('a refused secure value (not in allowedValues) is not echoed', async () => {
    const run = await bench.run({
      'resource-group': 'rg-secrets',
      template: 'secret-allowed-values.json',
      parameters: 'canary.parameters.json'
    });
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'configuration']);
    expectKept(run, [CANARY], false);
  });

  it('secret outputs (a securestring through a string output, a listKeys() key) are masked and never published', async () => {
    const run = await bench.run({
      'resource-group': 'rg-secrets',
      location: 'westeurope',
      template: 'secret-outputs.json',
      parameters: 'canary.parameters.json'
    });
    expect(run.exitCode).toBe(0);
    const storageId = `/subscriptions/${bench.emulator.facts.subscriptionId}/resourceGroups/rg-secrets/providers/Microsoft.Storage/storageAccounts/canarystore1`;
    const storageKey = createHash('sha256').update(`${storageId}/key1`).digest('base64');
    expect(run.masks).toEqual(expect.arrayContaining([CANARY, `pw=${CANARY}`, storageKey]));
    for (const secret of [CANARY, storageKey])
      expect({ secret, visible: visibleText(run).includes(secret) }).toEqual({ secret, visible: false });
    expect([run.outputs.echo, run.outputs.storageKey]).toEqual([undefined, undefined]);
    const warnings = run.annotations.filter(a => a.level === 'warning').map(a => a.message);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Template output 'echo' .*secure parameter 'adminPassword'/),
        expect.stringMatching(/Template output 'storageKey' .*listKeys\(\)/)
      ])
    );
  });

  // Was a defect: a template output named `status` was written after the action's own and won.
  it("template outputs named like the action's outputs never overwrite them", async () => {
    const run = await bench.run({
      'resource-group': 'rg-secrets',
      location: 'westeurope',
      template: 'secret-outputs.json',
      parameters: 'canary.parameters.json'
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputWrites.filter(name => /^(status|healthy)$/i.test(name))).toEqual(['status']);
    expect(run.outputs.status).toBe('succeeded');
    expect(JSON.parse(run.outputs['template-outputs']!)).toEqual({
      storageName: 'canarystore1',
      Status: 'from-the-template',
      healthy: true
    });
    expect(run.outputs.storageName).toBe('canarystore1');
    expect(run.annotations.map(a => a.message)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("Template output 'Status' has the name of this action's output 'status'"),
        expect.stringContaining('fromJSON(steps.<id>.outputs.template-outputs).healthy')
      ])
    );
  });

  // Was a defect: the summary was redacted after rendering, so the `\|`-escaped, HTML-escaped and JSON-escaped
  // forms of a secret passed. The harness checks every form in every place, the PR comment and check run too.
  it.each([
    ['an output that echoes it', 'secret-outputs.json', 0],
    ['an ARM error that quotes it back', 'secret-in-error.json', 1]
  ])('a secure value with characters every rendering escapes: %s', async (_, file, exitCode) => {
    github.reset();
    const run = await bench.run(
      {
        'resource-group': 'rg-secrets',
        location: 'westeurope',
        template: file,
        parameters: 'escaped.parameters.json',
        'github-token': github.token
      },
      {
        env: github.pullRequestEnv(bench.workspace, { number: 7, headSha: 'ab'.repeat(20) }),
        gitHubRequests: github.requests
      }
    );
    expect(run.exitCode).toBe(exitCode);
    expect(run.masks).toContain(CANARIES.escaped);
    expect(run.gitHubTexts.length).toBeGreaterThan(0);
    expect(canaryLeaksIn(visibleText(run))).toEqual([]);
  });

  // Was a defect: values under 6 characters were masked in the log but left in the summary and outputs.
  it('a short secure value is masked, removed where it stands as a word, and warned about', async () => {
    const run = await bench.run({
      'resource-group': 'rg-secrets',
      location: 'westeurope',
      template: 'secret-in-error.json',
      parameters: 'short.parameters.json'
    });
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'infra']);
    expect(run.masks).toContain(CANARIES.short);
    expect(run.annotations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'warning',
          message: expect.stringContaining(
            "The secure parameter 'adminPassword' has a value of 5 character(s)"
          )
        })
      ])
    );
    expect(canaryLeaksIn(visibleText(run))).toEqual([]);
  });

  // Was a defect: json() of a secure value failed with Node's message, which quotes the value's start.
  it('an engine error on the secure value names the function and the parameter, not a piece of the value', async () => {
    const run = await bench.run({
      'resource-group': 'rg-secrets',
      location: 'westeurope',
      template: 'secret-in-json.json',
      parameters: 'canary.parameters.json'
    });
    expect(run.exitCode).toBe(1);
    expect(visibleText(run)).toMatch(/json\(\).*not valid JSON/);
    expect(canaryLeaksIn(visibleText(run))).toEqual([]);
  });
});
