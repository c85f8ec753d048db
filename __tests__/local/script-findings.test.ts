import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { InitFailure } from '../../src/scoring-script/init-failure.js';
import {
  gpuFinding,
  missingPackage,
  needsGpu,
  missingPackageFinding,
  runFailureFinding,
  startupFinding,
  type ScriptFiles
} from '../../src/local/script-findings.js';
import type { LocalPath } from '../../src/config/ml-specs.js';

const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'script-findings-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const codeDir = path.join(root, 'src');
mkdirSync(path.join(codeDir, 'helpers'), { recursive: true });
writeFileSync(path.join(codeDir, 'score.py'), '');
writeFileSync(path.join(codeDir, 'features.py'), '');
writeFileSync(path.join(codeDir, 'helpers', 'io.py'), '');

const code: LocalPath = { kind: 'path', absolutePath: codeDir, displayPath: 'src', isDirectory: true };
const files: ScriptFiles = { code, scoringScript: 'score.py' };

function failure(overrides: Partial<InitFailure>): InitFailure {
  return {
    code: 'UserScriptInitFailed',
    message: 'ValueError: bad',
    exceptionType: 'ValueError',
    modelDirListing: [],
    modelDirListingTruncated: false,
    ...overrides
  };
}

describe('missingPackage', () => {
  const importError = (message: string): InitFailure =>
    failure({ code: 'UserScriptImportError', exceptionType: 'ModuleNotFoundError', message });

  it('names a third-party package the runner lacks', () => {
    expect(missingPackage(importError("ModuleNotFoundError: No module named 'sklearn'"), code)).toBe(
      'sklearn'
    );
    expect(missingPackage(importError("ModuleNotFoundError: No module named 'azureml.core'"), code)).toBe(
      'azureml'
    );
    const fromVersion = failure({
      exceptionType: 'ImportError',
      message:
        "ImportError: cannot import name 'Foo' from 'numpy' (/usr/lib/python3/site-packages/numpy/__init__.py)"
    });
    expect(missingPackage(fromVersion, code)).toBe('numpy');
  });

  it("is not the user's own module (a file or package of the code folder): that is their bug", () => {
    expect(
      missingPackage(importError("ModuleNotFoundError: No module named 'features'"), code)
    ).toBeUndefined();
    expect(
      missingPackage(importError("ModuleNotFoundError: No module named 'helpers.missing'"), code)
    ).toBeUndefined();
  });

  it('is not any other failure', () => {
    expect(missingPackage(failure({}), code)).toBeUndefined();
    expect(
      missingPackage(failure({ code: 'ServerExited', exceptionType: 'ModuleNotFoundError' }), code)
    ).toBeUndefined();
  });
});

describe('startupFinding', () => {
  it('maps the frame into the repository through the code folder', () => {
    const finding = startupFinding(
      failure({ file: path.join(codeDir, 'helpers', 'io.py'), line: 12, traceback: 'Traceback …' }),
      files,
      'preflight',
      'preflight',
      ['line 1', 'AZUREML_LOCAL_FAILURE {}']
    );
    expect(finding).toMatchObject({
      severity: 'error',
      stage: 'preflight',
      title: 'Preflight: scoring script init() failed',
      location: { file: 'src/helpers/io.py', line: 12 },
      rank: 100
    });
    expect(finding.cause).toBe(
      'init() raised on the runner (preflight), before anything was uploaded: ValueError: bad (src/helpers/io.py:12).'
    );
    expect(finding.evidence.map(e => e.title)).toEqual(['Traceback', 'Inference server log (last 30 lines)']);
    // The runner's machine-readable lines are not evidence for the user.
    expect(finding.evidence[1]!.text).toBe('line 1');
  });

  it('points at the scoring script when the failure has no frame in the code folder', () => {
    const finding = startupFinding(
      failure({
        code: 'UserScriptFunctionNotFound',
        function: 'run',
        file: '/usr/lib/python3.11/x.py',
        line: 3
      }),
      { code: { ...code, displayPath: '.' }, scoringScript: 'score.py' },
      'local',
      'local',
      []
    );
    expect(finding.location).toEqual({ file: 'score.py' });
    expect(finding.title).toBe('scoring script lacks init() or run()');
    expect(finding.fix).toBe('Define run() at module level in the scoring script.');
    expect(finding.rank).toBe(80);
  });

  it('shows the model folder as the script sees it, with advice for a wrong model path', () => {
    const finding = startupFinding(
      failure({
        exceptionType: 'FileNotFoundError',
        modelDir: '/tmp/m',
        modelDirListing: [{ path: 'model/linear.json', size: 45 }]
      }),
      files,
      'local',
      'local',
      []
    );
    expect(finding.evidence.find(e => e.title.startsWith('Model directory'))?.text).toBe(
      '$AZUREML_MODEL_DIR/model/linear.json'
    );
    expect(finding.fix).toContain('$AZUREML_MODEL_DIR/model/');
  });
});

describe('missingPackageFinding', () => {
  const missing = failure({
    code: 'UserScriptImportError',
    exceptionType: 'ModuleNotFoundError',
    message: "ModuleNotFoundError: No module named 'sklearn'",
    file: path.join(codeDir, 'score.py'),
    line: 2
  });

  it('is a warning in preflight: the cloud image is expected to have the package', () => {
    expect(missingPackageFinding(missing, files, 'preflight', 'preflight', 'sklearn')).toMatchObject({
      severity: 'warning',
      title: "Preflight: package 'sklearn' is not installed on the runner",
      location: { file: 'src/score.py', line: 2 }
    });
  });

  it('is the failure of a local run: the runner is the environment', () => {
    expect(missingPackageFinding(missing, files, 'local', 'local', 'sklearn')).toMatchObject({
      severity: 'error',
      rank: 100
    });
  });
});

describe('runFailureFinding', () => {
  it("maps run()'s traceback from the server log to the repository line", () => {
    const log = [
      '2024-01-02 10:11:12,345 E [1] azmlinfsrv - Encountered Exception: Traceback (most recent call last):',
      `  File "${path.join(codeDir, 'score.py')}", line 17, in run`,
      '    rows = json.loads(raw_data)["rows"]',
      "KeyError: 'rows'"
    ];
    const finding = runFailureFinding(
      files,
      'preflight',
      'preflight',
      { file: 'samples/row.json', status: 500, body: '{"message": "…"}' },
      log
    );
    expect(finding).toMatchObject({
      severity: 'error',
      location: { file: 'src/score.py', line: 17 },
      cause: "run() answered 500 to samples/row.json on the runner: KeyError: 'rows' (src/score.py:17)."
    });
  });
});

describe('needsGpu', () => {
  it('recognises init() failing for want of CUDA, and nothing else', () => {
    const cuda = failure({
      exceptionType: 'RuntimeError',
      message: 'RuntimeError: Found no NVIDIA driver on your system.',
      file: path.join(codeDir, 'score.py'),
      line: 9
    });
    expect(needsGpu(cuda)).toBe(true);
    expect(needsGpu(failure({ message: 'AssertionError: Torch not compiled with CUDA enabled' }))).toBe(true);
    expect(needsGpu(failure({}))).toBe(false);
    expect(gpuFinding(cuda, files)).toMatchObject({
      severity: 'warning',
      stage: 'preflight',
      location: { file: 'src/score.py', line: 9 }
    });
  });
});
