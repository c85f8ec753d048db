import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagnoseScoringResponse } from '../../src/health/scoring-diagnosis.js';

const RUN_FAILED_LOG = [
  '2024-05-01 10:00:00,000 I [12] azmlinfsrv - POST /score 200',
  '2024-05-01 10:00:01,000 E [12] azmlinfsrv - Encountered Exception: Traceback (most recent call last):',
  '  File "/var/azureml-app/src/score.py", line 9, in run',
  '    return {"predictions": model.predict(rows)}',
  "AttributeError: 'NoneType' object has no attribute 'predict'",
  '2024-05-01 10:00:01,001 I [12] azmlinfsrv - POST /score 500'
].join('\n');

describe('diagnoseScoringResponse', () => {
  it('says nothing about a success', () => {
    expect(diagnoseScoringResponse({ status: 200, body: '{}' })).toBeUndefined();
  });

  it.each([424, 502])('turns HTTP %i into the run() traceback on the repository line', status => {
    const root = mkdtempSync(join(tmpdir(), 'scoring-'));
    writeFileSync(join(root, 'score.py'), '');
    const finding = diagnoseScoringResponse(
      {
        status,
        body: 'An unexpected error occurred in scoring script.',
        headers: { 'ms-azureml-model-error-statuscode': '500' }
      },
      {
        serverLog: RUN_FAILED_LOG,
        codeFolder: { kind: 'path', absolutePath: root, displayPath: 'src', isDirectory: true }
      }
    )!;
    expect(finding).toMatchObject({
      id: 'scoring-run-failed',
      stage: 'health',
      location: { file: 'src/score.py', line: 9 }
    });
    expect(finding.cause).toContain(
      "AttributeError: 'NoneType' object has no attribute 'predict' (src/score.py line 9)"
    );
    expect(finding.evidence[0]!.text).toMatch(
      /^Traceback \(most recent call last\):\n {2}File .*\n.*\nAttributeError: 'NoneType'/
    );
  });

  it("takes the user's exception from a chained run() traceback, not the server's wrapper", () => {
    const root = mkdtempSync(join(tmpdir(), 'scoring-'));
    writeFileSync(join(root, 'score.py'), '');
    const chained = [
      'Traceback (most recent call last):',
      '  File "/var/azureml-app/src/score.py", line 12, in run',
      '    return rows["data"]',
      "KeyError: 'data'",
      '',
      'The above exception was the direct cause of the following exception:',
      '',
      'Traceback (most recent call last):',
      '  File "/var/azureml-server/routes.py", line 40, in score',
      '    raise UserScriptException(ex) from ex',
      'UserScriptException: Caught an unhandled exception from the user script'
    ].join('\n');
    const finding = diagnoseScoringResponse(
      { status: 424 },
      {
        serverLog: chained,
        codeFolder: { kind: 'path', absolutePath: root, displayPath: 'src', isDirectory: true }
      }
    )!;
    expect(finding.location).toEqual({ file: 'src/score.py', line: 12 });
    expect(finding.cause).toContain("KeyError: 'data'");
  });

  it.each([408, 504])('turns HTTP %i into the request timeout and how to raise it', status => {
    const finding = diagnoseScoringResponse({ status }, { requestTimeoutMs: 3000, latencyMs: 4200 })!;
    expect(finding.id).toBe('scoring-timeout');
    expect(finding.cause).toContain('request_timeout_ms (3000 ms)');
    expect(finding.fix).toContain('raise request_settings.request_timeout_ms above 3000');
  });

  it.each([429, 503])('turns HTTP %i into capacity, with the instance formula', status => {
    const finding = diagnoseScoringResponse(
      { status },
      { maxConcurrentRequestsPerInstance: 2, instanceCount: 1, requestsPerSecond: 20, latencyMs: 250 }
    )!;
    expect(finding.id).toBe('scoring-capacity');
    // ceil(20 × 0.25 / 0.7 / 2) = ceil(3.57) = 4: the same formula as the health gate's capacity advice.
    expect(finding.evidence[0]!.text).toContain(
      'capacity = max_concurrent_requests_per_instance × instance_count = 2 × 1 = 2 request(s) at once'
    );
    expect(finding.evidence[0]!.text).toContain('ceil(20 × 0.25 s / 0.7 / 2) = ceil(3.57) = 4');
    expect(finding.fix).toContain('Raise instance_count to at least 4');
  });

  it('names the key for 401 and the deployment for 404', () => {
    expect(diagnoseScoringResponse({ status: 401 })!.id).toBe('scoring-unauthorized');
    expect(diagnoseScoringResponse({ status: 404 }, { deployment: 'blue' })!.cause).toContain("for 'blue'");
  });
});
