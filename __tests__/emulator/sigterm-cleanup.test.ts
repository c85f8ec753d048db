import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Stopped with SIGTERM, the stand-in leaves none of its deployments' folders in the temp directory. */
describe('stand-in stopped with SIGTERM', () => {
  it.each([
    ['a host that stops it on signals (npm run emulator)', 'host', [0]],
    // Dying of the signal: tsx reports its child's death as exit code 143.
    ['a host without signal handling (the demo, a benchmark)', 'none', [143, 'SIGTERM']]
  ])(
    'removes every ml-deployment-* folder, in %s',
    async (_, signals, exit) => {
      const temp = mkdtempSync(path.join(tmpdir(), 'sigterm-cleanup-'));
      try {
        const child = spawn(
          path.join('node_modules', '.bin', 'tsx'),
          [path.join('__tests__', 'fixtures', 'machine-learning', 'deployed-stand-in.ts')],
          {
            cwd: process.cwd(),
            env: { ...process.env, NODE_OPTIONS: '', TMPDIR: temp, STAND_IN_SIGNALS: signals },
            stdio: ['ignore', 'pipe', 'inherit']
          }
        );
        const exited = new Promise<unknown>(resolve =>
          child.once('exit', (code, signal) => resolve(code ?? signal))
        );
        const line = await new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout.on('data', chunk => {
            out += String(chunk);
            if (out.includes('\n')) resolve(out.trim());
          });
          void exited.then(code => reject(new Error(`exited ${code} before deploying`)));
        });
        expect(line).toBe('deployed');
        expect(readdirSync(temp).filter(name => name.startsWith('ml-deployment-'))).toHaveLength(1);
        child.kill('SIGTERM');
        expect(exit).toContain(await exited);
        expect(readdirSync(temp).filter(name => name.startsWith('ml-deployment-'))).toEqual([]);
      } finally {
        rmSync(temp, { recursive: true, force: true });
      }
    },
    120_000
  );
});
