import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { actionEntryPoint } from '../../harness/run-action.js';

/**
 * The bundle is minified, so a crash report is only useful if its stack names the action's own sources:
 * dist/ ships source maps for src/ and the entry point turns them on before loading the rest. The crash here
 * is real and cheap: GITHUB_OUTPUT names a folder, so writing the outputs throws (EISDIR) out of run().
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the bundled action (dist/index.js)', () => {
  it("a thrown error's stack names src/ files and the lines that threw", () => {
    const scratch = mkdtempSync(join(tmpdir(), 'stack-trace-'));
    const outputFolder = join(scratch, 'output-is-a-folder');
    mkdirSync(outputFolder);
    const child = spawnSync(process.execPath, [actionEntryPoint()], {
      cwd: scratch,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: scratch,
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: scratch,
        GITHUB_OUTPUT: outputFolder,
        GITHUB_STEP_SUMMARY: join(scratch, 'summary.md'),
        'INPUT_RESOURCE-GROUP': 'rg'
      }
    });
    expect(child.status).not.toBe(0);
    expect(child.stderr).toContain('EISDIR');
    // Each frame `at … (…/src/<file>.ts:<line>:<column>)`: the line must be the one that made the call.
    const frames = [...child.stderr.matchAll(/\/(src\/[\w/.-]+\.ts):(\d+):\d+\)?$/gm)].map(m => ({
      file: m[1]!,
      line: Number(m[2])
    }));
    const lineOf = (frame: { file: string; line: number }): string =>
      readFileSync(join(ROOT, frame.file), 'utf8').split('\n')[frame.line - 1] ?? '';
    const adapter = frames.find(frame => frame.file === 'src/action/core-adapter.ts');
    expect(adapter).toBeDefined();
    expect(lineOf(adapter!)).toContain('core.setOutput(');
    const main = frames.find(frame => frame.file === 'src/main.ts');
    expect(main).toBeDefined();
    expect(lineOf(main!)).toContain('adapter.setOutputs(');
  });
});
