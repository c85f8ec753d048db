import * as core from '@actions/core';
import { INPUT_NAMES, type InputName, type RawInputs } from '../contract/inputs.js';

/** Reads every declared input through `@actions/core` (the runner passes them as INPUT_* variables). */
export function readInputs(getInput: (name: string) => string = name => core.getInput(name)): RawInputs {
  const entries = INPUT_NAMES.map(name => [name, getInput(name).trim()] as const);
  return Object.fromEntries(entries) as Record<InputName, string>;
}
