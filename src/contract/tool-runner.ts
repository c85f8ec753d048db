import { execFile } from 'node:child_process';

/** What a command-line tool printed, and how it ended. */
export interface ToolOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command-line tool that finishes (the Bicep CLI, `az bicep`) and returns its output. A port: in the
 * action it is `@actions/exec` (src/action/tool-runner.ts), which streams the tool's output into the step log
 * as it comes, in a group of its own; elsewhere (tests, the stand-in, the demo) it is {@link childProcessTools}.
 * Long-lived servers (the local inference server) are not tools: they are spawned and stopped by their owner.
 */
export interface ToolRunner {
  run(command: string, args: readonly string[], title: string): Promise<ToolOutput>;
}

/** Node's own `execFile`, capturing output silently. */
export const childProcessTools: ToolRunner = {
  run: (command, args) =>
    new Promise(resolve => {
      execFile(command, [...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        resolve({
          exitCode: error ? (typeof code === 'number' ? code : 1) : 0,
          stdout,
          stderr: stderr || (error && typeof code !== 'number' ? error.message : '')
        });
      });
    })
};
