import { INPUT_NAMES } from '../contract/inputs.js';
import type { ConfigurationProblem } from '../run/errors.js';
import { closestName } from '../run/closest-name.js';

/**
 * One problem per input the step was given that action.yml does not declare. GitHub's runner only warns about
 * such an input and runs the step anyway, so `dry_run: true` (for `dry-run`) would deploy for real: the action
 * refuses the run instead, naming the closest declared input. `_` and `-` are the usual slip, so a name that
 * differs from a declared one only in them is matched first.
 */
export function undeclaredInputProblems(undeclared: readonly string[]): ConfigurationProblem[] {
  return undeclared.map(name => {
    const suggestion =
      INPUT_NAMES.find(known => known === name.replace(/_/g, '-')) ?? closestName(name, INPUT_NAMES);
    return {
      input: name,
      message: 'is not an input of this action (action.yml does not declare it), so it would be ignored.',
      fix: suggestion
        ? `Did you mean \`${suggestion}\`? Rename it in the step's \`with:\`.`
        : "Remove it from the step's `with:`; the README lists the inputs."
    };
  });
}
