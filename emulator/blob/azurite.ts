import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const DEV_ACCOUNT = {
  name: 'devstoreaccount1',
  key: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
};

/** A running Azurite blob service. */
export interface AzuriteProcess {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  stop(): Promise<void>;
}

const CHILD_SCRIPT = fileURLToPath(new URL('./azurite-child.mjs', import.meta.url));
const LISTENING = /successfully listens on (http:\/\/[^\s]+)/;

function killOnExit(child: ChildProcess): () => void {
  // 'exit' handlers must be synchronous: a kill signal is. Covers process.exit() and normal ends; a SIGKILL
  // of this process is covered by the child's stdin guard instead.
  const kill = () => child.kill('SIGKILL');
  process.on('exit', kill);
  return () => process.off('exit', kill);
}

/**
 * Starts Azurite's blob service in memory on a free loopback port, telemetry off, API version check off, loose
 * mode, no access log. Resolves once it listens.
 */
export async function startAzurite(startTimeoutMs = 30_000): Promise<AzuriteProcess> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'azurite-'));
  const args = [
    CHILD_SCRIPT,
    '--blobHost',
    '127.0.0.1',
    '--blobPort',
    '0',
    '--inMemoryPersistence',
    '--disableTelemetry',
    '--skipApiVersionCheck',
    '--loose',
    '--silent',
    '--disableProductStyleUrl'
  ];
  const child = spawn(process.execPath, args, { cwd: workDir, stdio: ['pipe', 'pipe', 'pipe'] });
  const forget = killOnExit(child);
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Azurite did not start within ${startTimeoutMs} ms:\n${output}`)),
      startTimeoutMs
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = LISTENING.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', code => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with code ${code} before listening:\n${output}`));
    });
  }).catch(async error => {
    child.kill('SIGKILL');
    forget();
    await rm(workDir, { recursive: true, force: true });
    throw error;
  });
  // Keep draining its output so a full pipe never blocks it.
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    url,
    stop: async () => {
      forget();
      if (child.exitCode === null && child.signalCode === null) {
        // SIGKILL, not SIGTERM: the data is in memory only, so there is nothing to flush, and Azurite's own
        // SIGTERM handler closes its server but leaves the process (and our stdin guard) running.
        const exited = new Promise(resolve => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      await rm(workDir, { recursive: true, force: true });
    }
  };
}
