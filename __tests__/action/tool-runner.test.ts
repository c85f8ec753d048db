import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionsExecTools } from '../../src/action/tool-runner.js';
import { compileBicep } from '../../src/arm/bicep.js';

/** Bicep compiled through `@actions/exec`: the step log shows the command and its output in a group. */
describe('tools run through @actions/exec', () => {
  let dir: string;
  let log = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tool-runner-'));
    await writeFile(
      join(dir, 'bicep'),
      `#!/bin/sh\necho "main.bicep(2,7) : Warning no-unused-params" >&2\nif [ "$3" = bad.bicep ]; then echo "bad.bicep(1,1) : Error BCP007" >&2; exit 1; fi\necho '{"resources":[]}'\n`
    );
    await chmod(join(dir, 'bicep'), 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function captured<T>(work: () => Promise<T>): Promise<T> {
    log = '';
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      log += String(chunk);
      return true;
    });
    try {
      return await work();
    } finally {
      write.mockRestore();
    }
  }

  it('returns what the tool printed, and streams the command and its output in a group', async () => {
    const json = await captured(() => compileBicep('main.bicep', dir, actionsExecTools));
    expect(JSON.parse(json)).toEqual({ resources: [] });
    expect(log).toContain('::group::Compile main.bicep (Bicep)');
    expect(log).toContain(`[command]${join(dir, 'bicep')} build --stdout main.bicep`);
    expect(log).toContain('::endgroup::');
  });

  it("passes the tool's error on, with its exit code not thrown by @actions/exec", async () => {
    await expect(captured(() => compileBicep('bad.bicep', dir, actionsExecTools))).rejects.toThrow(
      /build --stdout bad\.bicep failed: .*bad\.bicep\(1,1\) : Error BCP007/s
    );
  });
});
