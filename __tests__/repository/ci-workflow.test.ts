import { describe, expect, it } from '@jest/globals';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { readActionManifest } from '../../harness/action-manifest.js';
import { INPUT_NAMES, type InputName, type RawInputs } from '../../src/contract/inputs.js';
import { parseConfig } from '../../src/config/parse-config.js';

/**
 * The repository's own workflows (.github/workflows/): GitHub only reports a broken one when it runs, so each
 * must parse as YAML, every script it runs and every local action it uses must exist, and the self-test's
 * step must give the action only declared inputs that pass its own configuration checks on the example files.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKFLOWS = join(ROOT, '.github', 'workflows');
const manifest = readActionManifest();

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  name?: string;
  on?: unknown;
  jobs?: Record<string, { 'runs-on'?: string; steps?: Step[] }>;
}

const files = readdirSync(WORKFLOWS).filter(file => /\.ya?ml$/.test(file));
const load = (file: string): Workflow =>
  parse(readFileSync(join(WORKFLOWS, file), 'utf8'), { prettyErrors: true, strict: true }) as Workflow;
const steps = (workflow: Workflow): Step[] =>
  Object.values(workflow.jobs ?? {}).flatMap(job => job.steps ?? []);

describe('the repository workflows', () => {
  it('include CI with its three jobs: .ci/run, the dist check and the self-test', () => {
    expect(files).toContain('ci.yml');
    const ci = load('ci.yml');
    expect(Object.keys(ci.jobs ?? {}).sort()).toEqual(['check-dist', 'ci', 'self-test']);
    const runs = steps(ci).map(step => step.run ?? '');
    expect(runs).toContain('.ci/run');
    expect(runs).toContain('.ci/check-dist');
    expect(steps(ci).some(step => step.uses === './')).toBe(true);
  });

  describe.each(files)('%s', file => {
    const workflow = load(file);

    it('is a workflow whose jobs run steps on a runner', () => {
      expect(typeof workflow.name).toBe('string');
      expect(workflow.on).toBeTruthy();
      for (const job of Object.values(workflow.jobs ?? {})) {
        expect(job['runs-on']).toBeTruthy();
        expect(job.steps?.length).toBeGreaterThan(0);
      }
    });

    it('runs repository scripts that exist and are executable', () => {
      const scripts = steps(workflow).flatMap(step =>
        [...(step.run ?? '').matchAll(/(?:^|\s)(\.{0,2}\/?[\w.-]+\/[\w./-]+)(?=\s|$)/g)].map(m => m[1]!)
      );
      for (const script of scripts.filter(path => path.startsWith('.ci/'))) {
        expect(() => accessSync(join(ROOT, script), constants.X_OK)).not.toThrow();
      }
    });

    it('uses local actions that exist, with declared inputs naming existing files', async () => {
      for (const step of steps(workflow).filter(step => step.uses?.startsWith('./'))) {
        expect(existsSync(join(ROOT, step.uses!, 'action.yml'))).toBe(true);
        const given = Object.keys(step.with ?? {});
        expect(given.filter(name => !(name in manifest.inputs))).toEqual([]);
        const inputs = Object.fromEntries(
          INPUT_NAMES.map(name => [name, String(manifest.inputs[name]?.default ?? '')])
        ) as Record<InputName, string>;
        for (const [name, value] of Object.entries(step.with ?? {}))
          inputs[name as InputName] = String(value);
        const runner = {
          workspace: ROOT,
          repository: 'o/azureml-staged-deploy',
          runId: '1',
          path: process.env.PATH ?? ''
        };
        await expect(parseConfig(inputs as RawInputs, runner)).resolves.toBeDefined();
      }
    });
  });
});
