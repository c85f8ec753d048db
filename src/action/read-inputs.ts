import * as core from '@actions/core';
import { INPUT_NAMES, type InputName, type RawInputs } from '../contract/inputs.js';

/** Reads every declared input through `@actions/core` (the runner passes them as INPUT_* variables). */
export function readInputs(getInput: (name: string) => string = name => core.getInput(name)): RawInputs {
  const entries = INPUT_NAMES.map(name => [name, getInput(name).trim()] as const);
  return Object.fromEntries(entries) as Record<InputName, string>;
}

/**
 * The inputs the step was given that action.yml does not declare, as written in `with:` (lower case: the runner
 * upper-cases the variable). The runner only warns about them ("Unexpected input(s)") and still passes them as
 * INPUT_* variables, so a typo such as `dry_run` for `dry-run` would otherwise be ignored silently. The runner
 * also sets a variable for every declared input with a default; those are declared, so they never show here.
 */
export function undeclaredInputs(env: NodeJS.ProcessEnv = process.env): string[] {
  const declared = new Set<string>(INPUT_NAMES.map(name => `INPUT_${name.toUpperCase()}`));
  return Object.keys(env)
    .filter(variable => variable.startsWith('INPUT_') && !declared.has(variable))
    .map(variable => variable.slice('INPUT_'.length).toLowerCase())
    .sort();
}
