import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import {
  AZURE_LATENCY,
  DEFAULT_LATENCY_SCALE,
  latencySettings,
  parseLatencyScale,
  projectedAzureMs
} from '../../emulator/latency-profile.js';
import { defaultKnobs } from '../../emulator/knobs.js';
import { KEY_VAULT_KNOBS } from '../../emulator/providers/key-vault/vault-activity.js';
import { ML_KNOBS } from '../../emulator/providers/machine-learning/ml-context.js';
import { OPERATION_MS_KNOB } from '../../emulator/providers/deployments/index.js';
import { startAzureStandIn, type AzureStandIn } from '../../emulator/stand-in.js';
import { armToken, send } from './client.js';

describe('the realistic latency profile (data)', () => {
  it('gives every figure a positive duration and a source', () => {
    for (const figure of AZURE_LATENCY) {
      expect(figure.azureSeconds).toBeGreaterThan(0);
      expect(figure.source.length).toBeGreaterThan(20);
      if (figure.basis !== 'estimate') expect(figure.source).not.toMatch(/^estimate/);
    }
  });

  it('only sets knobs the stand-in reads (a figure for an unread knob would change nothing)', () => {
    const read = new Set([
      ...Object.keys(defaultKnobs()),
      ...Object.values(KEY_VAULT_KNOBS),
      ...Object.keys(ML_KNOBS),
      OPERATION_MS_KNOB
    ]);
    const { knobs } = latencySettings();
    for (const name of Object.keys(knobs)) expect(read).toContain(name);
  });

  it('scales each figure: at 1/60 an Azure minute is a stand-in second', () => {
    const { knobs, delays } = latencySettings(1 / 60);
    expect(knobs.keyVaultDnsRegistrationMs).toBe(283); // 17 s recorded
    expect(knobs.mlImageBuildMs).toBe(8000); // 8 of the documented 15 minutes
    expect(knobs.lroDurationMs).toBe(1500);
    const whatIf = delays.find(delay => String(delay.path).includes('whatIf'));
    expect(whatIf).toMatchObject({ method: 'POST', delayMs: 250 });
    expect(latencySettings(1 / 6).knobs.mlImageBuildMs).toBe(80_000);
  });

  it('reads a scale as a fraction or a number and projects measured times back to Azure', () => {
    expect(parseLatencyScale('1/60')).toBeCloseTo(DEFAULT_LATENCY_SCALE);
    expect(parseLatencyScale('0.5')).toBe(0.5);
    expect(() => parseLatencyScale('fast')).toThrow(/not a positive number/);
    expect(() => parseLatencyScale('0')).toThrow(/not a positive number/);
    expect(() => latencySettings(0)).toThrow(/positive/);
    expect(projectedAzureMs(2500, 1 / 60)).toBe(150_000);
  });
});

describe('the realistic latency profile on a running stand-in', () => {
  let standIn: AzureStandIn;
  beforeAll(async () => {
    standIn = await startAzureStandIn({
      blob: false,
      latency: { profile: 'azure', scale: 1 / 600 },
      knobs: { retryAfterSeconds: 0, lroDurationMs: 50 }
    });
  });
  afterAll(async () => {
    await standIn?.stop();
  });

  it('applies the profile knobs; knobs given explicitly win', () => {
    expect(standIn.knobs.keyVaultDnsRegistrationMs).toBe(28);
    expect(standIn.knobs.deploymentOperationMs).toBe(33);
    expect(standIn.knobs.lroDurationMs).toBe(50);
    expect(standIn.facts.latencyScale).toBeCloseTo(1 / 600);
  });

  it('delays the requests of operations without a duration knob (what-if), and no others', async () => {
    const token = await armToken(standIn);
    const sub = standIn.facts.subscriptionId;
    await send(standIn, 'PUT', `/subscriptions/${sub}/resourcegroups/rg-latency?api-version=2021-04-01`, {
      token,
      body: { location: 'westeurope' }
    });
    const template = { $schema: 'x', contentVersion: '1.0.0.0', resources: [] };
    await send(
      standIn,
      'POST',
      `/subscriptions/${sub}/resourcegroups/rg-latency/providers/Microsoft.Resources/deployments/d/whatIf?api-version=2021-04-01`,
      { token, body: { properties: { mode: 'Incremental', template } } }
    );
    const armEntries = () => standIn.requestLog.entries().filter(entry => entry.service === 'arm');
    // The log records a request once its response has ended on the server side, just after the client saw it.
    for (let i = 0; i < 50 && armEntries().length < 2; i += 1)
      await new Promise(resolve => setTimeout(resolve, 20));
    const log = armEntries();
    expect(log.map(entry => [entry.method, entry.path.split('/').pop(), entry.fault])).toEqual([
      ['PUT', 'rg-latency', undefined],
      ['POST', 'whatIf', 'delay']
    ]);
  });
});

describe('npm run emulator -- --latency azure', () => {
  it('prints the scale it runs at in its facts line', async () => {
    const child = spawn(
      'npx',
      ['tsx', 'emulator/main.ts', '--no-blob', '--latency', 'azure', '--latency-scale', '1/120'],
      {
        cwd: process.cwd(),
        stdio: ['ignore', 'pipe', 'pipe']
      }
    );
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', chunk => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out);
      });
      child.once('exit', code => reject(new Error(`exited ${code} early`)));
    });
    const exited = new Promise(resolve => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    expect(JSON.parse(line).latencyScale).toBeCloseTo(1 / 120);
  });
});
