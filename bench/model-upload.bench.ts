/**
 * Uploads a 1 GiB model file to Azurite (behind the local stand-in's HTTPS proxy) with the action's
 * uploader (src/ml/upload.ts: staged blocks, bounded memory) and, in the same run, with one plain
 * single-stream Put Blob of the same file, and prints both throughputs, their ratio (target ≥ 0.8) and the
 * peak RSS of this process during the action's upload (target < 256 MiB).
 *
 * The stand-in runs in a child process (`emulator/main.ts`, as `npm run emulator`), so the RSS measured is
 * the uploader's, not the proxy's or Azurite's, as it would be on a runner talking to Azure.
 * The file is sparse (created with truncate) in a temp folder and deleted afterwards; Azurite keeps blobs
 * in memory, so each blob is deleted right after it is measured.
 * Run: npm run bench -- model-upload   (or: npx tsx bench/model-upload.bench.ts)
 * BENCH_ROUNDS, BENCH_BLOCK_MIB and BENCH_BLOCKS change the rounds and the uploader's settings.
 */
import {
  BlobSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential
} from '@azure/storage-blob';
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { EmulatorFacts } from '../emulator/facts.js';
import { createBlobServiceClient } from '../src/ml/blob-client.js';
import { hashContent } from '../src/ml/content-hash.js';
import { uploadContent } from '../src/ml/upload.js';

const MIB = 1024 * 1024;
const SIZE = 1024 * MIB;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONTAINER = 'azureml-blobstore';

async function startStandIn(): Promise<{ facts: EmulatorFacts; child: ChildProcess }> {
  const main = fileURLToPath(new URL('../emulator/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', code => reject(new Error(`stand-in exited with ${code} before it started`)));
  });
  return { facts: JSON.parse(first) as EmulatorFacts, child };
}

/** Peak RSS while `work` runs, sampled every 10 ms. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; peakRss: number }> {
  let peakRss = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 10);
  try {
    const value = await work();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return { value, peakRss };
  } finally {
    clearInterval(timer);
  }
}

/** One Put Blob with the file streamed as the body: the single-stream baseline. */
async function plainPut(facts: EmulatorFacts, ca: string, path: string, blobName: string): Promise<void> {
  const credential = new StorageSharedKeyCredential(facts.storageAccountName, facts.storageAccountKey);
  const sas = generateBlobSASQueryParameters(
    {
      containerName: CONTAINER,
      blobName,
      permissions: BlobSASPermissions.parse('cw'),
      expiresOn: new Date(Date.now() + 3_600_000)
    },
    credential
  ).toString();
  const url = new URL(`${facts.blobEndpoint}/${CONTAINER}/${blobName}?${sas}`);
  await new Promise<void>((resolve, reject) => {
    const put = request(
      url,
      {
        method: 'PUT',
        agent: new Agent({ ca }),
        headers: { 'x-ms-blob-type': 'BlockBlob', 'x-ms-version': '2025-01-05', 'content-length': SIZE }
      },
      response => {
        response.resume();
        response.on('end', () =>
          response.statusCode === 201
            ? resolve()
            : reject(new Error(`Put Blob answered ${response.statusCode}`))
        );
      }
    );
    put.on('error', reject);
    createReadStream(path, { highWaterMark: MIB }).pipe(put);
  });
}

function rate(ms: number): number {
  return SIZE / MIB / (ms / 1000);
}

const rssAtStart = process.memoryUsage().rss;
// The uploader's defaults unless overridden, for trying other settings.
const uploadOptions = {
  ...(process.env.BENCH_BLOCK_MIB ? { blockSize: Number(process.env.BENCH_BLOCK_MIB) * MIB } : {}),
  ...(process.env.BENCH_BLOCKS ? { maxBlocksInFlight: Number(process.env.BENCH_BLOCKS) } : {})
};
const dir = await mkdtemp(join(tmpdir(), 'model-upload-bench-'));
const path = join(dir, 'model.bin');
const { facts, child } = await startStandIn();
try {
  const file = await open(path, 'w');
  await file.truncate(SIZE);
  await file.close();
  const ca = await readFile(facts.caCertPath, 'utf8');
  const access = {
    kind: 'key',
    account: facts.storageAccountName,
    key: facts.storageAccountKey
  } as const;
  const container = (
    await createBlobServiceClient(facts.blobEndpoint, access, { trustedCaPem: ca })
  ).getContainerClient(CONTAINER);
  await container.createIfNotExists();
  const manifest = await hashContent(path);
  console.log(
    `1 GiB sparse file hashed; stand-in at ${facts.blobEndpoint}; RSS at start ${mb(rssAtStart)}, ` +
      `after hashing ${mb(process.memoryUsage().rss)}; uploader options ${JSON.stringify(uploadOptions)}`
  );

  const uploads: number[] = [];
  const puts: number[] = [];
  const ratios: number[] = [];
  let peak = 0;
  const measurePut = async (): Promise<number> => {
    const started = performance.now();
    await plainPut(facts, ca, path, 'baseline/model.bin');
    const mibPerSecond = rate(performance.now() - started);
    await container.deleteBlob('baseline/model.bin');
    return mibPerSecond;
  };
  const measureUpload = async (): Promise<number> => {
    const started = performance.now();
    const { value, peakRss } = await withPeakRss(() => uploadContent(container, manifest, uploadOptions));
    const mibPerSecond = rate(performance.now() - started);
    peak = Math.max(peak, peakRss);
    await container.deleteBlob(value.assetPath);
    return mibPerSecond;
  };
  // A fresh Azurite takes the first gigabyte faster than later ones (it frees deleted blobs' memory
  // lazily), which would favour whichever side went first; one untimed pass of each evens that out.
  await measurePut();
  await measureUpload();
  peak = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternating which goes first keeps Azurite's warm-up and memory state from favouring one side.
    let put: number;
    let upload: number;
    if (round % 2 === 1) {
      put = await measurePut();
      upload = await measureUpload();
    } else {
      upload = await measureUpload();
      put = await measurePut();
    }
    puts.push(put);
    uploads.push(upload);
    ratios.push(upload / put);
    console.log(
      `round ${round}: single PUT ${put.toFixed(0)} MiB/s, uploader ${upload.toFixed(0)} MiB/s, ` +
        `ratio ${(upload / put).toFixed(2)}`
    );
  }
  const ratio = median(ratios);
  console.log(`single-stream Put Blob:   ${median(puts).toFixed(0)} MiB/s (median of ${ROUNDS})`);
  console.log(`uploader (staged blocks): ${median(uploads).toFixed(0)} MiB/s (median of ${ROUNDS})`);
  console.log(
    `ratio ${ratio.toFixed(2)} (median of per-round ratios; target ≥ 0.8) ${ratio >= 0.8 ? 'OK' : 'BELOW TARGET'}`
  );
  console.log(
    `peak RSS during upload ${mb(peak)} (target < 256 MiB; ${mb(rssAtStart)} at start) ` +
      (peak < 256 * MIB ? 'OK' : 'ABOVE TARGET')
  );
  if (ratio < 0.8 || peak >= 256 * MIB) process.exitCode = 1;
} finally {
  child.kill('SIGTERM');
  await new Promise(resolve => child.once('exit', resolve));
  await rm(dir, { recursive: true, force: true });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function mb(bytes: number): string {
  return `${(bytes / MIB).toFixed(0)} MiB`;
}
