import { describe, expect, it } from '@jest/globals';
import { INPUT_NAMES, type InputName, type RawInputs } from '../../src/contract/inputs.js';
import { loadMlConfig } from '../../src/config/ml-config.js';
import type { ConfigurationProblem } from '../../src/run/errors.js';
import { tempWorkspace } from '../ml/ml-test-files.js';

/** A complete model deployment from inputs, with the given `crash-loop` text. */
function load(crashLoop: string) {
  const blank = Object.fromEntries(INPUT_NAMES.map(name => [name, ''])) as Record<InputName, string>;
  const inputs: RawInputs = {
    ...blank,
    traffic: 'blue-green',
    'keep-previous': 'true',
    'dry-run': 'false',
    'crash-loop': crashLoop,
    workspace: 'ws',
    'endpoint-name': 'scoring',
    'model-path': 'model/model.json',
    'scoring-script': 'src/score.py',
    image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest',
    'instance-type': 'Standard_DS2_v2'
  };
  const problems: ConfigurationProblem[] = [];
  const runner = { workspace: tempWorkspace(), repository: 'o/r', runId: '1', path: '' };
  const config = loadMlConfig(inputs, runner, problem => problems.push(problem));
  return { config, problems };
}

describe("input 'crash-loop'", () => {
  it.each([
    ['fail-fast', 'fail-fast'],
    ['Wait', 'wait'],
    ['', 'fail-fast']
  ])("'%s' → %s", (text, policy) => {
    const { config, problems } = load(text);
    expect(problems).toEqual([]);
    expect(config?.crashLoop).toBe(policy);
  });

  it('refuses another word, naming the input and the words it takes', () => {
    const { config, problems } = load('retry');
    expect(config).toBeUndefined();
    expect(problems).toEqual([
      {
        input: 'crash-loop',
        message: "'retry' is not one of 'fail-fast', 'wait'.",
        fix: "Write 'fail-fast' (the default) or 'wait'."
      }
    ]);
  });
});
