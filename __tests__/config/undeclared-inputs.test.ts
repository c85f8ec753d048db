import { describe, expect, it } from '@jest/globals';
import { undeclaredInputs } from '../../src/action/read-inputs.js';
import { INPUT_NAMES } from '../../src/contract/inputs.js';
import { describeProblem } from '../../src/run/errors.js';
import { undeclaredInputProblems } from '../../src/config/undeclared-inputs.js';

describe('inputs action.yml does not declare', () => {
  it('are the INPUT_* variables that no declared input maps to, as written in `with:`', () => {
    const declaredWithDefaults = Object.fromEntries(
      INPUT_NAMES.map(name => [`INPUT_${name.toUpperCase()}`, 'x'])
    );
    const env = { ...declaredWithDefaults, INPUT_DRY_RUN: 'true', INPUT_TEMPLAT: 'a.json', PATH: '/bin' };
    expect(undeclaredInputs(env)).toEqual(['dry_run', 'templat']);
    expect(undeclaredInputs(declaredWithDefaults)).toEqual([]);
  });

  it('are refused with the closest declared name', () => {
    const described = undeclaredInputProblems(['dry_run', 'templat', 'keep_previous', 'colour']).map(
      describeProblem
    );
    expect(described[0]).toBe(
      "input 'dry_run': is not an input of this action (action.yml does not declare it), so it would be ignored. Did you mean `dry-run`? Rename it in the step's `with:`."
    );
    expect(described[1]).toContain('Did you mean `template`?');
    expect(described[2]).toContain('Did you mean `keep-previous`?');
    expect(described[3]).not.toContain('Did you mean');
    expect(described[3]).toContain('Remove it');
  });
});
