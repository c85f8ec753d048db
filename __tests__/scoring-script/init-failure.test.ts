import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parseInitFailure } from '../../src/scoring-script/init-failure.js';
import { FIXTURES } from '../local/support.js';

describe('parseInitFailure on a log in the official server’s format', () => {
  const log = readFileSync(`${FIXTURES}azmlinfsrv-init-failure.log`, 'utf8');

  it('names the step, the user’s line (not the library’s) and the original exception', () => {
    expect(parseInitFailure(log)).toMatchObject({
      code: 'UserScriptInitFailed',
      exceptionType: 'FileNotFoundError',
      message:
        "FileNotFoundError: [Errno 2] No such file or directory: '/var/azureml-app/azureml-models/credit-model/3/model.pkl'",
      file: '/var/azureml-app/onlinescoring/score.py',
      line: 14,
      modelDir: '/var/azureml-app/azureml-models/credit-model/3'
    });
  });

  it('rebuilds the model directory listing from the indented tree, showing the extra folder level', () => {
    expect(parseInitFailure(log)?.modelDirListing).toEqual([
      { path: 'model/MLmodel' },
      { path: 'model/model.pkl' },
      { path: 'README.md' }
    ]);
  });

  it('keeps the traceback text from its header to the end of the chain', () => {
    const traceback = parseInitFailure(log)!.traceback!;
    expect(traceback.startsWith('Traceback (most recent call last):')).toBe(true);
    expect(traceback.endsWith('Caught an unhandled exception from the user script')).toBe(true);
  });
});

describe('parseInitFailure on other logs', () => {
  it('prefers the local server’s AZUREML_LOCAL_FAILURE line', () => {
    const details = {
      code: 'UserScriptFunctionNotFound',
      message: 'User script at /s/score.py does not have a init() function defined.',
      exceptionType: null,
      function: 'init',
      file: '/s/score.py',
      line: null,
      modelDir: '/m',
      modelDirListing: [{ path: 'a.bin', size: 3 }],
      modelDirListingTruncated: false
    };
    expect(parseInitFailure(`noise\nAZUREML_LOCAL_FAILURE ${JSON.stringify(details)}\n`)).toEqual({
      code: 'UserScriptFunctionNotFound',
      message: details.message,
      function: 'init',
      file: '/s/score.py',
      modelDir: '/m',
      modelDirListing: [{ path: 'a.bin', size: 3 }],
      modelDirListingTruncated: false
    });
  });

  it('recognises a missing function in a real server log', () => {
    const log =
      '2024-03-07 09:14:03,504 E [67] azmlinfsrv - Traceback (most recent call last):\n  File "/x/aml_blueprint.py", line 90, in setup\n    self.user_script.load_script(config.app_root)\nazureml_inference_server_http.server.user_script.UserScriptError: User script at /app/score.py does not have a run() function defined.\n';
    expect(parseInitFailure(log)).toMatchObject({ code: 'UserScriptFunctionNotFound', function: 'run' });
  });

  it('returns undefined for a server that started', () => {
    expect(
      parseInitFailure(
        "2024-03-07 09:14:03,502 I [67] azmlinfsrv.user_script - Users's init has completed successfully"
      )
    ).toBeUndefined();
  });
});
