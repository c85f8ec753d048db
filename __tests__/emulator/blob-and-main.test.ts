import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { runNode } from './client.js';

/** Pids of Azurite processes started (transitively) by `ancestor`; other engineers' Azurites are ignored. */
function azuriteDescendants(ancestor: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map(line => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter(match => match !== null)
    .map(match => ({ pid: Number(match[1]), ppid: Number(match[2]), args: match[3] }));
  const parent = new Map(rows.map(row => [row.pid, row.ppid]));
  const descends = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p))
      if (p === ancestor) return true;
    return false;
  };
  return rows.filter(row => row.args.includes('azurite-child.mjs') && descends(row.pid)).map(row => row.pid);
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('blob storage through the proxy, and npm run emulator', () => {
  let emu: Emulator;

  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('uploads and downloads a blob with @azure/storage-blob over HTTPS via Azurite', async () => {
    emu.requestLog.clear();
    const script = `
      import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
      const f = JSON.parse(process.env.FACTS);
      const service = new BlobServiceClient(f.blobEndpoint, new StorageSharedKeyCredential(f.storageAccountName, f.storageAccountKey));
      const container = service.getContainerClient('models');
      await container.createIfNotExists();
      const blob = container.getBlockBlobClient('dir/model.txt');
      await blob.upload('hello model', 11);
      const text = (await blob.downloadToBuffer()).toString();
      console.log(JSON.stringify({ text }));
    `;
    const run = await runNode(emu, script, { FACTS: JSON.stringify(emu.facts) });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout.trim())).toEqual({ text: 'hello model' });
    const blobs = emu.requestLog.entries().filter(e => e.service === 'blob');
    expect(blobs.map(e => [e.method, e.path, e.write])).toEqual(
      expect.arrayContaining([
        ['PUT', '/devstoreaccount1/models/dir/model.txt', true],
        ['GET', '/devstoreaccount1/models/dir/model.txt', false]
      ])
    );
  });

  it('applies scripted faults to blob requests', async () => {
    emu.faults.add({
      method: 'GET',
      path: '/devstoreaccount1/models/*',
      status: 503,
      code: 'ServerBusy',
      nth: 1
    });
    const script = `
      import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
      const f = JSON.parse(process.env.FACTS);
      const service = new BlobServiceClient(f.blobEndpoint, new StorageSharedKeyCredential(f.storageAccountName, f.storageAccountKey), { retryOptions: { retryDelayInMs: 10 } });
      const text = (await service.getContainerClient('models').getBlockBlobClient('dir/model.txt').downloadToBuffer()).toString();
      console.log(JSON.stringify({ text }));
    `;
    emu.requestLog.clear();
    const run = await runNode(emu, script, { FACTS: JSON.stringify(emu.facts) });
    expect(JSON.parse(run.stdout.trim())).toEqual({ text: 'hello model' });
    const gets = emu.requestLog.entries().filter(e => e.method === 'GET');
    expect(gets.map(e => [e.status, e.fault])).toEqual([
      [503, 'status'],
      [206, undefined]
    ]);
    emu.faults.clear();
  });

  it('streams a large upload through the proxy without buffering it', async () => {
    const size = 192 * 1024 * 1024;
    const script = `
      import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
      import { Readable } from 'node:stream';
      const f = JSON.parse(process.env.FACTS);
      const service = new BlobServiceClient(f.blobEndpoint, new StorageSharedKeyCredential(f.storageAccountName, f.storageAccountKey));
      const container = service.getContainerClient('big');
      await container.createIfNotExists();
      const chunk = Buffer.alloc(4 * 1024 * 1024, 7);
      let sent = 0;
      const source = new Readable({ read() { if (sent >= ${size}) this.push(null); else { sent += chunk.length; this.push(chunk); } } });
      const blob = container.getBlockBlobClient('big.bin');
      await blob.uploadStream(source, 96 * 1024 * 1024, 1);
      console.log(JSON.stringify({ size: (await blob.getProperties()).contentLength }));
    `;
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const run = await runNode(emu, script, { FACTS: JSON.stringify(emu.facts) });
    clearInterval(sampler);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout.trim())).toEqual({ size });
    // The emulator runs in this process: a buffering proxy would grow by at least one 96 MiB block request;
    // streaming costs socket and TLS buffers plus GC noise (about 25 MiB seen).
    expect(peak - baseline).toBeLessThan(56 * 1024 * 1024);
  });

  it('npm run emulator prints one JSON line and leaves no Azurite behind on SIGTERM', async () => {
    const child = spawn('npm', ['run', '--silent', 'emulator'], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe']
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', chunk => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out);
      });
      child.once('exit', code => reject(new Error(`exited ${code} early`)));
    });
    expect(line.trim().split('\n')).toHaveLength(1);
    const facts = JSON.parse(line);
    for (const key of [
      'armEndpoint',
      'authorityHost',
      'caCertPath',
      'blobEndpoint',
      'subscriptionId',
      'tenantId',
      'idTokenRequestUrl',
      'idTokenRequestToken'
    ]) {
      expect(typeof facts[key]).toBe('string');
    }
    expect(existsSync(facts.caCertPath)).toBe(true);
    const azurites = azuriteDescendants(child.pid!);
    expect(azurites).toHaveLength(1);
    const exited = new Promise<unknown>(resolve =>
      child.once('exit', (code, signal) => resolve(code ?? signal))
    );
    // npm dies of the SIGTERM (143) without relaying it; the emulator notices its ancestors are gone and stops.
    child.kill('SIGTERM');
    expect([0, 143, 'SIGTERM']).toContain(await exited);
    for (let i = 0; i < 50 && (azurites.some(running) || existsSync(facts.caCertPath)); i += 1) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    expect(azurites.filter(running)).toEqual([]);
    expect(existsSync(facts.caCertPath)).toBe(false);
  });
});
