import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse } from 'yaml';
import { readActionManifest } from '../../harness/action-manifest.js';
import { INPUT_NAMES, type InputName, type RawInputs } from '../../src/contract/inputs.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { offlineProblems } from '../../src/infra/plan-infra.js';
import { ConfigurationError } from '../../src/run/errors.js';

/**
 * The ready-to-copy workflows in examples/workflows/: a user pastes them into .github/workflows/, so each must
 * be a workflow GitHub accepts, give this action only inputs action.yml declares, and pass the action's own
 * configuration checks against the example files (the content of examples/ is their repository root).
 */
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const WORKFLOWS = join(EXAMPLES, 'workflows');
const manifest = readActionManifest();
const THIS_ACTION = /^azureml-staged-deploy\/azureml-staged-deploy@v\d+$/;

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  'runs-on'?: unknown;
  needs?: string | string[];
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  name?: string;
  on?: unknown;
  permissions?: Record<string, string>;
  jobs?: Record<string, Job>;
}

const files = readdirSync(WORKFLOWS).filter(file => /\.ya?ml$/.test(file));

function load(file: string): Workflow {
  return parse(readFileSync(join(WORKFLOWS, file), 'utf8'), { prettyErrors: true, strict: true }) as Workflow;
}

function actionSteps(workflow: Workflow): { job: string; step: Step }[] {
  return Object.entries(workflow.jobs ?? {}).flatMap(([job, spec]) =>
    (spec.steps ?? []).filter(step => THIS_ACTION.test(step.uses ?? '')).map(step => ({ job, step }))
  );
}

const GUID_INPUTS = new Set(['subscription-id', 'tenant-id', 'client-id']);

/**
 * The step's `with:` as the runner would pass it, `${{ … }}` replaced by a plausible value (a GUID for ids),
 * and action.yml's defaults for the rest.
 */
function runnerInputs(step: Step): RawInputs {
  const inputs = Object.fromEntries(
    INPUT_NAMES.map(name => [name, String(manifest.inputs[name]?.default ?? '')])
  ) as Record<InputName, string>;
  for (const [name, value] of Object.entries(step.with ?? {})) {
    const placeholder = GUID_INPUTS.has(name) ? '00000000-0000-4000-8000-000000000001' : 'placeholder1';
    inputs[name as InputName] = String(value)
      .replace(/\$\{\{[^}]*\}\}/g, placeholder)
      .trim();
  }
  return inputs;
}

/** Every `steps.<id>.outputs.<name>` and `needs.<job>.outputs.<name>` a job's text refers to. */
function references(job: Job, kind: 'steps' | 'needs'): { id: string; output: string }[] {
  const text = JSON.stringify(job);
  return [...text.matchAll(new RegExp(`\\b${kind}\\.([\\w-]+)\\.outputs\\.([\\w-]+)`, 'g'))].map(m => ({
    id: m[1]!,
    output: m[2]!
  }));
}

/** The outputs a step of this action sets: action.yml's, and each output of the template it deploys. */
function outputsOf(step: Step): string[] {
  const template = step.with?.template;
  const templateOutputs =
    typeof template === 'string'
      ? Object.keys(
          (parseJsonc(readFileSync(join(EXAMPLES, template), 'utf8')) as { outputs?: object }).outputs ?? {}
        )
      : [];
  return [...Object.keys(manifest.outputs), ...templateOutputs];
}

describe('example workflows', () => {
  it('are the two the README promises', () => {
    expect(files.sort()).toEqual(['deploy-on-pr.yml', 'promote-on-main.yml']);
  });

  describe.each(files)('%s', file => {
    const workflow = load(file);

    it('is a workflow: a name, triggers, and jobs that each run steps on a runner', () => {
      expect(typeof workflow.name).toBe('string');
      expect(workflow.on).toBeTruthy();
      expect(Object.keys(workflow.jobs ?? {}).length).toBeGreaterThan(0);
      for (const job of Object.values(workflow.jobs!)) {
        expect(job['runs-on']).toBeTruthy();
        expect(job.steps?.length).toBeGreaterThan(0);
        for (const step of job.steps!) expect(Number(!!step.uses) + Number(!!step.run)).toBe(1);
      }
    });

    it('uses this action, with only the inputs action.yml declares, and every required one', () => {
      const steps = actionSteps(workflow);
      expect(steps.length).toBeGreaterThan(0);
      const declared = Object.keys(manifest.inputs);
      const required = declared.filter(name => manifest.inputs[name]!.required);
      for (const { step } of steps) {
        const keys = Object.keys(step.with ?? {});
        expect(keys.filter(key => !declared.includes(key))).toEqual([]);
        expect(required.filter(name => !keys.includes(name))).toEqual([]);
      }
    });

    it('lets GitHub issue an OIDC token wherever the action signs in with client-id', () => {
      for (const { job, step } of actionSteps(workflow)) {
        if (!step.with?.['client-id']) continue;
        const permissions = workflow.jobs![job]!.permissions ?? workflow.permissions ?? {};
        expect(permissions['id-token']).toBe('write');
      }
    });

    it("passes the action's configuration checks against the example files, before any request", async () => {
      const runner = { workspace: EXAMPLES, repository: 'owner/repo', runId: '1', path: '' };
      for (const { job, step } of actionSteps(workflow)) {
        const label = `${file} › ${job} › ${step.name ?? step.uses}`;
        const problems = await parseConfig(runnerInputs(step), runner, [], offlineProblems).then(
          (): string[] => [],
          (error: unknown) => {
            if (error instanceof ConfigurationError) return error.problems.map(p => `${label}: ${p.message}`);
            throw error;
          }
        );
        expect(problems).toEqual([]);
      }
    });

    it('refers only to step outputs that exist, and job outputs that are declared', () => {
      for (const job of Object.values(workflow.jobs!)) {
        const steps = job.steps ?? [];
        for (const { id, output } of references(job, 'steps')) {
          const step = steps.find(s => s.id === id);
          expect([id, step ? 'found' : 'missing']).toEqual([id, 'found']);
          if (THIS_ACTION.test(step!.uses ?? '')) expect(outputsOf(step!)).toContain(output);
        }
        for (const { id, output } of references(job, 'needs')) {
          expect([job.needs ?? []].flat()).toContain(id);
          expect(Object.keys(workflow.jobs![id]?.outputs ?? {})).toContain(output);
        }
      }
    });
  });
});
