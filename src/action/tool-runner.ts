import * as core from '@actions/core';
import { getExecOutput } from '@actions/exec';
import type { ToolRunner } from '../contract/tool-runner.js';

/**
 * Tools run through `@actions/exec`, as actions run them: the command line and its output are streamed into
 * the step log as they come, folded in a group titled after what the tool does, and also returned.
 */
export const actionsExecTools: ToolRunner = {
  run: (command, args, title) =>
    core.group(title, async () => {
      const { exitCode, stdout, stderr } = await getExecOutput(command, [...args], {
        ignoreReturnCode: true
      });
      return { exitCode, stdout, stderr };
    })
};
