import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileBicep, findBicepCommand } from '../../src/arm/index.js';

describe('Bicep compilation', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arm-bicep-'));
    for (const name of ['bicep', 'az']) {
      await writeFile(join(dir, name), `#!/bin/sh\necho '{"compiledBy":"${name}","args":"'"$*"'"}'\n`);
      await chmod(join(dir, name), 0o755);
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('says neither bicep nor az was found, and what to install', async () => {
    await expect(findBicepCommand('main.bicep', join(dir, 'empty'))).rejects.toThrow(
      /neither 'bicep' nor 'az' was found on PATH\. Install the Bicep CLI .* or the Azure CLI/
    );
  });

  it('prefers bicep build --stdout FILE', async () => {
    expect(JSON.parse(await compileBicep('main.bicep', dir))).toEqual({
      compiledBy: 'bicep',
      args: 'build --stdout main.bicep'
    });
  });

  it('falls back to az bicep build --stdout --file FILE', async () => {
    const azOnly = await mkdtemp(join(tmpdir(), 'arm-az-'));
    await writeFile(join(azOnly, 'az'), `#!/bin/sh\necho "{\\"args\\":\\"$*\\"}"\n`);
    await chmod(join(azOnly, 'az'), 0o755);
    expect(await findBicepCommand('m.bicep', azOnly)).toEqual({
      command: join(azOnly, 'az'),
      args: ['bicep', 'build', '--stdout', '--file', 'm.bicep']
    });
    expect(JSON.parse(await compileBicep('m.bicep', azOnly))).toEqual({
      args: 'bicep build --stdout --file m.bicep'
    });
    await rm(azOnly, { recursive: true, force: true });
  });

  it('passes the compiler error on', async () => {
    const badOnly = await mkdtemp(join(tmpdir(), 'arm-bad-'));
    await writeFile(join(badOnly, 'bicep'), '#!/bin/sh\necho "main.bicep(3,1) : Error BCP007" >&2\nexit 1\n');
    await chmod(join(badOnly, 'bicep'), 0o755);
    await expect(compileBicep('main.bicep', badOnly)).rejects.toThrow(
      /failed: main.bicep\(3,1\) : Error BCP007/
    );
    await rm(badOnly, { recursive: true, force: true });
  });
});
