import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { findInferenceServerCommand } from '../../src/config/inference-server-command.js';

const root = mkdtempSync(path.join(tmpdir(), 'azmlinfsrv-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function folderWith(name: string, file: string, mode: number): string {
  const folder = path.join(root, name);
  mkdirSync(folder);
  writeFileSync(path.join(folder, file), '#!/bin/sh\n');
  chmodSync(path.join(folder, file), mode);
  return folder;
}

describe('findInferenceServerCommand', () => {
  const notExecutable = folderWith('plain', 'azmlinfsrv', 0o644);
  const installed = folderWith('venv-bin', 'azmlinfsrv', 0o755);
  const windows = folderWith('Scripts', 'azmlinfsrv.exe', 0o644);

  it('finds the first executable azmlinfsrv on PATH', async () => {
    const found = await findInferenceServerCommand(
      [path.join(root, 'missing'), notExecutable, installed].join(':'),
      'linux'
    );
    expect(found).toBe(path.join(installed, 'azmlinfsrv'));
  });

  it('finds the pip launcher on Windows', async () => {
    expect(await findInferenceServerCommand(windows, 'win32')).toBe(path.join(windows, 'azmlinfsrv.exe'));
  });

  it('returns undefined when it is not installed', async () => {
    expect(await findInferenceServerCommand(notExecutable, 'linux')).toBeUndefined();
    expect(await findInferenceServerCommand('', 'linux')).toBeUndefined();
  });
});
