import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Emulator, Fault } from '../../emulator/index.js';
import { runAction, type ActionRun } from '../../harness/run-action.js';
import { createBlobServiceClient } from '../../src/ml/blob-client.js';
import { runnerEnv, workspaceInputs } from '../e2e/support/action-against-emulator.js';
import { startMlStandIn, type MlStandIn } from '../e2e/support/ml-stand-in.js';
import { faultMatrixTable } from './support/fault-matrix-table.js';

/**
 * Fault matrix, blob upload class: the model upload into the workspace's default datastore (Azurite behind the
 * stand-in's HTTPS proxy, where scripted faults apply as to ARM) × the faults Azure Storage really shows:
 * throttling (503 ServerBusy, also with a Retry-After far past the run's deadline), two 500s, a connection
 * reset, a truncated 200 body, and a refused signature (403). Each cell is one run of dist/index.js deploying
 * a model with new content, so the upload really happens. A cell passes when the run either succeeded — and
 * every file of the registered model is really in the datastore, complete, with the upload metadata — or failed
 * in the model stage naming the upload step and a request id, and then a re-run without the fault succeeded.
 * Cells `ok` = succeeded and verified, `failed ✓` = failed clearly and a re-run converged, `n/a` = the fault
 * cannot apply (truncation cuts 200 bodies; uploads answer 201). The matrix is printed at the end.
 * (A separate file from fault-matrix.test.ts: these runs need Azurite and an ML workspace, that stand-in has
 * neither, and jest runs the two files in parallel.)
 */

const FIXTURE = fileURLToPath(new URL('../fixtures/ml-e2e/', import.meta.url));
const RG = 'rg-blob-faults';
const WS = 'ws-blob-faults';
/** Above the uploader's 16 MiB block size: goes up as two Put Block requests and a Put Block List. */
const LARGE_FILE_BYTES = 17 * 1024 * 1024;
/** Azure Storage has no ARM correlation id: its support traces a request by the request id it answered with. */
const STORAGE_REQUEST_ID =
  /Storage request id: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

interface BlobCallClass {
  name: string;
  method: string;
  /** The request path (no query): the container for List Blobs, the blob for the writes. */
  path: RegExp;
  /** Matching requests let through before the fault. */
  after?: number;
  /** The success status: truncation only cuts 200 bodies. */
  okStatus: 200 | 201;
  /** How the action names the step in its error. */
  names: RegExp;
}

const MODEL_BLOB = (file: string): RegExp =>
  new RegExp(`^/devstoreaccount1/azureml-blobstore-[^/]+/LocalUpload/[0-9a-f]{64}/model/${file}$`);

const CLASSES: BlobCallClass[] = [
  {
    name: 'List Blobs (what is there)',
    method: 'GET',
    // The first listing of the run is the model's (model → environment → code).
    path: /^\/devstoreaccount1\/azureml-blobstore-[^/]+$/,
    okStatus: 200,
    names: /list the blobs under LocalUpload\/[0-9a-f]{64}\//
  },
  {
    name: 'Put Blob (small file)',
    method: 'PUT',
    path: MODEL_BLOB('linear\\.json'),
    okStatus: 201,
    names: /upload blob 'LocalUpload\/[0-9a-f]{64}\/model\/linear\.json'/
  },
  {
    name: 'Put Block (large file)',
    method: 'PUT',
    path: MODEL_BLOB('large\\.bin'),
    okStatus: 201,
    names: /upload block \d of 2 of blob 'LocalUpload\/[0-9a-f]{64}\/model\/large\.bin'/
  },
  {
    name: 'Put Block List (commit)',
    method: 'PUT',
    path: MODEL_BLOB('large\\.bin'),
    // Two blocks first; the third request to the blob is the commit.
    after: 2,
    okStatus: 201,
    names: /commit the 2 blocks of blob 'LocalUpload\/[0-9a-f]{64}\/model\/large\.bin'/
  }
];

interface FaultKind {
  name: string;
  action: Omit<Fault, 'method' | 'path' | 'nth' | 'times'>;
  count: number;
  inputs?: Record<string, string>;
  /** Only for requests answered with 200. */
  needs200?: boolean;
}

const FAULTS: FaultKind[] = [
  {
    name: '503 ServerBusy',
    action: { status: 503, code: 'ServerBusy', message: 'The server is busy.' },
    count: 1
  },
  {
    name: '503 Retry-After past deadline',
    action: { status: 503, code: 'ServerBusy', headers: { 'Retry-After': '3600' } },
    count: 1,
    inputs: { 'timeout-minutes': '1' }
  },
  { name: 'two 500s', action: { status: 500, code: 'InternalError' }, count: 2 },
  { name: 'connection reset', action: { reset: true }, count: 1 },
  { name: 'truncated 200', action: { truncate: true }, count: 1, needs200: true },
  {
    name: '403 AuthenticationFailed',
    action: {
      status: 403,
      code: 'AuthenticationFailed',
      message: 'Server failed to authenticate the request.'
    },
    count: 1
  }
];

function faultsFor(cls: BlobCallClass, kind: FaultKind): Fault[] {
  return Array.from({ length: kind.count }, (_, i) => ({
    method: cls.method,
    path: cls.path,
    ...kind.action,
    nth: (cls.after ?? 0) + i + 1
  }));
}

const matrix = new Map<string, string>();

describe(`fault matrix, blob upload: ${CLASSES.length} blob calls × ${FAULTS.length} faults through dist/index.js`, () => {
  let standIn: MlStandIn;
  let emulator: Emulator;
  let largeFile: string;

  beforeAll(async () => {
    standIn = await startMlStandIn(RG, WS, {
      knobs: { lroDurationMs: 0, retryAfterSeconds: 0, mlImageBuildMs: 0 }
    });
    emulator = standIn.emulator;
    largeFile = join(mkdtempSync(join(tmpdir(), 'blob-faults-large-')), 'large.bin');
    writeFileSync(largeFile, Buffer.alloc(LARGE_FILE_BYTES, 0x5a));
  });
  afterAll(async () => {
    console.log(
      `Fault matrix, blob upload (class × fault → outcome):\n${faultMatrixTable(CLASSES, FAULTS, matrix)}`
    );
    await standIn?.stop();
  });

  /** A repository whose model has content no earlier cell uploaded (the marker), so the upload runs. */
  function checkout(marker: string): string {
    const workspace = mkdtempSync(join(tmpdir(), 'blob-faults-'));
    cpSync(FIXTURE, workspace, { recursive: true });
    writeFileSync(join(workspace, 'model', 'cell.txt'), `${marker}\n`);
    cpSync(largeFile, join(workspace, 'model', 'large.bin'));
    return workspace;
  }

  function deploy(workspace: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
    const facts = emulator.facts;
    return runAction({
      inputs: {
        ...workspaceInputs(facts, RG, WS),
        'endpoint-file': 'deploy/endpoint.yml',
        'deployment-file': 'deploy/deployment.yml',
        // One deployment at a time keeps running: each cell replaces the last.
        'keep-previous': 'false',
        'timeout-minutes': '3',
        ...inputs
      },
      env: runnerEnv(facts),
      workspace,
      killAfterMs: 120_000
    });
  }

  /**
   * Succeeded means done: the model version the run registered points at blobs that hold every local file,
   * at its size, marked as a completed upload of this content.
   */
  async function expectModelReallyUploaded(run: ActionRun, workspace: string): Promise<void> {
    const ml = standIn.ml;
    const model = await ml.modelVersions.get(RG, WS, 'linear-model', run.outputs['model-version']!);
    const prefix = /\/paths\/(LocalUpload\/[0-9a-f]{64}\/model)$/.exec(model.properties.modelUri ?? '')![1]!;
    const datastore = await ml.datastores.get(RG, WS, 'workspaceblobstore');
    const containerName = (datastore.properties as { containerName: string }).containerName;
    const facts = emulator.facts;
    const service = await createBlobServiceClient(
      facts.blobEndpoint,
      { kind: 'key', account: facts.storageAccountName, key: facts.storageAccountKey },
      { trustedCaPem: readFileSync(facts.caCertPath, 'utf8') }
    );
    const stored: Record<string, string> = {};
    for await (const blob of service
      .getContainerClient(containerName)
      .listBlobsFlat({ prefix: `${prefix}/`, includeMetadata: true })) {
      stored[blob.name.slice(prefix.length + 1)] =
        `${blob.properties.contentLength} ${blob.metadata?.upload_status}`;
    }
    const local = (file: string): string => `${statSync(join(workspace, 'model', file)).size} completed`;
    expect(stored).toEqual({
      'cell.txt': local('cell.txt'),
      'large.bin': local('large.bin'),
      'linear.json': local('linear.json')
    });
  }

  /** The error annotation names the upload step and the storage request id to quote. */
  function expectClearFailure(cls: BlobCallClass, run: ActionRun): void {
    const error = run.annotations
      .filter(a => a.level === 'error')
      .map(a => a.message)
      .join('\n');
    expect({
      failedStage: run.outputs['failed-stage'],
      namesOperation: cls.names.test(error) ? 'yes' : error,
      requestId: STORAGE_REQUEST_ID.test(error) ? 'yes' : error
    }).toEqual({ failedStage: 'model', namesOperation: 'yes', requestId: 'yes' });
  }

  const cells = CLASSES.flatMap(cls =>
    FAULTS.map(fault => ({ cls, fault, key: `${cls.name} × ${fault.name}` }))
  );

  it.each(cells.map(c => [c.key, c] as const))('%s', async (key, { cls, fault }) => {
    if (fault.needs200 && cls.okStatus !== 200) {
      matrix.set(key, 'n/a');
      return;
    }
    const workspace = checkout(key);
    faultsFor(cls, fault).forEach(f => emulator.faults.add(f));
    emulator.requestLog.clear();
    let run: ActionRun;
    try {
      run = await deploy(workspace, fault.inputs);
    } finally {
      emulator.faults.clear();
    }
    matrix.set(key, 'BAD');
    const hit = emulator.requestLog.entries().some(e => e.service === 'blob' && e.fault !== undefined);
    expect({ key, faultHit: hit }).toEqual({ key, faultHit: true });
    const outcome =
      run.exitCode === 0 && run.outputs.status === 'succeeded'
        ? 'succeeded'
        : run.exitCode === 1 && run.outputs.status === 'failed'
          ? 'failed clearly'
          : 'unclear';
    expect({ key, outcome, log: outcome === 'unclear' ? run.stdout.slice(-2000) : '' }).not.toMatchObject({
      outcome: 'unclear'
    });
    if (outcome === 'succeeded') {
      await expectModelReallyUploaded(run, workspace);
    } else {
      expectClearFailure(cls, run);
      // What the failed attempt left (staged blocks, some files) does not stop a re-run from finishing.
      const again = await deploy(workspace);
      expect({ key, rerun: again.exitCode, log: again.exitCode ? again.stdout.slice(-2000) : '' }).toEqual({
        key,
        rerun: 0,
        log: ''
      });
      await expectModelReallyUploaded(again, workspace);
    }
    matrix.set(key, outcome === 'succeeded' ? 'ok' : 'failed ✓');
  });
});
