import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ContainerClient } from '@azure/storage-blob';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzureStandIn } from '../../emulator/stand-in.js';
import type { Emulator } from '../../emulator/index.js';
import { AzureOperationError } from '../../src/azure/azure-error.js';
import { createBlobServiceClient } from '../../src/ml/blob-client.js';
import { hashContent } from '../../src/ml/content-hash.js';
import { datastoreUri } from '../../src/ml/datastore-uri.js';
import { uploadContent } from '../../src/ml/upload.js';

const MIB = 1024 * 1024;

function blobRequests(emu: Emulator) {
  return emu.requestLog.entries().filter(entry => entry.service === 'blob');
}

async function downloadText(container: ContainerClient, name: string): Promise<Buffer> {
  return container.getBlockBlobClient(name).downloadToBuffer();
}

describe('uploading assets to blob storage (Azurite through the stand-in, over HTTPS)', () => {
  let emu: Emulator;
  let container: ContainerClient;
  let work: string;

  beforeAll(async () => {
    emu = await startAzureStandIn();
    const facts = emu.facts;
    const service = await createBlobServiceClient(
      facts.blobEndpoint,
      { kind: 'key', account: facts.storageAccountName, key: facts.storageAccountKey },
      { trustedCaPem: readFileSync(facts.caCertPath, 'utf8') }
    );
    container = service.getContainerClient('azureml-blobstore');
    await container.create();
    work = mkdtempSync(join(tmpdir(), 'ml-upload-'));
  });

  afterAll(async () => {
    await emu?.stop();
  });

  it('uploads a folder under LocalUpload/<hash>/<name>/ and, the second time, writes nothing', async () => {
    const root = join(work, 'model');
    mkdirSync(join(root, 'weights'), { recursive: true });
    writeFileSync(join(root, 'config.json'), '{"layers":2}');
    writeFileSync(join(root, 'weights', 'w.bin'), Buffer.alloc(3000, 1));
    writeFileSync(join(root, 'empty.txt'), '');
    const manifest = await hashContent(root);

    const first = await uploadContent(container, manifest);
    expect(first).toEqual({
      assetPath: `LocalUpload/${manifest.hash}/model`,
      skipped: false,
      uploadedFiles: 3,
      uploadedBytes: 3012,
      reusedFiles: 0
    });
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat({
      prefix: `LocalUpload/${manifest.hash}/`,
      includeMetadata: true
    })) {
      names.push(blob.name);
      expect(blob.metadata).toEqual({ upload_status: 'completed', content_hash: manifest.hash });
    }
    expect(names.sort()).toEqual(
      ['config.json', 'empty.txt', 'weights/w.bin'].map(n => `LocalUpload/${manifest.hash}/model/${n}`)
    );
    expect((await downloadText(container, `${first.assetPath}/config.json`)).toString()).toBe('{"layers":2}');

    emu.requestLog.clear();
    const second = await uploadContent(container, manifest);
    expect(second).toMatchObject({ skipped: true, uploadedFiles: 0, uploadedBytes: 0, reusedFiles: 3 });
    const requests = blobRequests(emu);
    expect(requests.filter(r => r.method === 'PUT')).toEqual([]);
    expect(requests.filter(r => r.write)).toEqual([]);
    expect(requests.map(r => `${r.method} ${r.query.comp}`)).toEqual(['GET list']);
  });

  it('uploads a large file as staged blocks and commits them in order', async () => {
    const path = join(work, 'big.bin');
    const bytes = Buffer.alloc(20 * MIB);
    for (let i = 0; i < bytes.length; i += 4096) bytes.writeUInt32BE(i, i);
    writeFileSync(path, bytes);
    const manifest = await hashContent(path);
    emu.requestLog.clear();
    const progress: number[] = [];
    const result = await uploadContent(container, manifest, {
      blockSize: 4 * MIB,
      maxBlocksInFlight: 3,
      onProgress: bytes => progress.push(bytes)
    });
    expect(result).toMatchObject({
      assetPath: `LocalUpload/${manifest.hash}/big.bin`,
      uploadedBytes: 20 * MIB
    });
    const puts = blobRequests(emu).filter(r => r.method === 'PUT');
    expect(puts.map(r => r.query.comp)).toEqual(['block', 'block', 'block', 'block', 'block', 'blocklist']);
    expect(progress.at(-1)).toBe(20 * MIB);
    const stored = await downloadText(container, result.assetPath);
    expect(createHash('sha256').update(stored).digest('hex')).toBe(
      createHash('sha256').update(bytes).digest('hex')
    );
  });

  it('resumes an interrupted upload: only the missing files go up', async () => {
    const root = join(work, 'code');
    mkdirSync(root);
    writeFileSync(join(root, 'score.py'), 'def run(raw):\n    return raw\n');
    writeFileSync(join(root, 'util.py'), 'X = 1\n');
    const manifest = await hashContent(root);
    await uploadContent(container, manifest);
    await container.getBlockBlobClient(`LocalUpload/${manifest.hash}/code/util.py`).delete();
    emu.requestLog.clear();
    const result = await uploadContent(container, manifest);
    expect(result).toMatchObject({ skipped: false, uploadedFiles: 1, reusedFiles: 1 });
    expect(
      blobRequests(emu)
        .filter(r => r.method === 'PUT')
        .map(r => r.path)
    ).toEqual([`/devstoreaccount1/azureml-blobstore/LocalUpload/${manifest.hash}/code/util.py`]);
  });

  it('fails with the operation named when the container does not exist, and stops when aborted', async () => {
    const path = join(work, 'small.txt');
    writeFileSync(path, 'x');
    const manifest = await hashContent(path);
    const other = (
      await createBlobServiceClient(
        emu.facts.blobEndpoint,
        { kind: 'key', account: emu.facts.storageAccountName, key: emu.facts.storageAccountKey },
        { trustedCaPem: readFileSync(emu.facts.caCertPath, 'utf8'), maxTries: 1 }
      )
    ).getContainerClient('no-such-container');
    const error = (await uploadContent(other, manifest).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(AzureOperationError);
    expect(error.message).toContain('list the blobs under LocalUpload/');
    expect(error.message).toContain('ContainerNotFound');

    const empty = join(work, 'empty-model');
    mkdirSync(empty);
    await expect(uploadContent(container, await hashContent(empty))).rejects.toThrow('holds no files');

    const controller = new AbortController();
    controller.abort(new Error('cancelled by the run'));
    emu.requestLog.clear();
    await expect(uploadContent(container, manifest, { signal: controller.signal })).rejects.toThrow();
    expect(blobRequests(emu).filter(r => r.method === 'PUT')).toEqual([]);
  });

  it('stops between blocks when the run is cancelled mid-upload', async () => {
    const path = join(work, 'cancelled.bin');
    writeFileSync(path, Buffer.alloc(20 * MIB, 3));
    const manifest = await hashContent(path);
    const controller = new AbortController();
    emu.requestLog.clear();
    const failure = await uploadContent(container, manifest, {
      blockSize: MIB,
      maxBlocksInFlight: 2,
      signal: controller.signal,
      onProgress: () => controller.abort(new Error('SIGINT'))
    }).catch((e: unknown) => e as Error);
    expect(failure).toBeInstanceOf(Error);
    const puts = blobRequests(emu).filter(r => r.method === 'PUT');
    expect(puts.length).toBeLessThan(5);
    expect(puts.some(r => r.query.comp === 'blocklist')).toBe(false);
  });

  it("trusts the stand-in's CA only because it was passed in", async () => {
    const untrusting = (
      await createBlobServiceClient(
        emu.facts.blobEndpoint,
        { kind: 'key', account: emu.facts.storageAccountName, key: emu.facts.storageAccountKey },
        { maxTries: 1 }
      )
    ).getContainerClient('azureml-blobstore');
    await expect(untrusting.exists()).rejects.toThrow(/certificate/i);
    await expect(container.exists()).resolves.toBe(true);
  });

  it('builds the azureml:// datastore URI a model version points at', () => {
    expect(
      datastoreUri({
        subscriptionId: 'sub-1',
        resourceGroup: 'rg-ml',
        workspace: 'ws one',
        datastore: 'workspaceblobstore',
        path: 'LocalUpload/abc/model'
      })
    ).toBe(
      'azureml://subscriptions/sub-1/resourcegroups/rg-ml/workspaces/ws%20one/datastores/workspaceblobstore/paths/LocalUpload/abc/model'
    );
  });
});
