import { describe, expect, it } from '@jest/globals';
import { AzureOperationError } from '../../src/azure/azure-error.js';
import type { AzureClientFactory } from '../../src/azure/client-factory.js';
import { Deadline } from '../../src/run/deadline.js';
import type { ActionConfig } from '../../src/config/config.js';
import { diagnoseFailure } from '../../src/stages/diagnose-failure.js';
import { Findings } from '../../src/run/finding.js';
import { RecentLog } from '../../src/stages/recent-log.js';
import { ConfigurationError } from '../../src/run/errors.js';
import type { Log } from '../../src/run/log.js';
import { Redactor } from '../../src/run/redaction.js';
import type { RunContext } from '../../src/stages/run-context.js';

function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: message => lines.push(message),
    debug: message => lines.push(`debug: ${message}`),
    warning: message => lines.push(`warning: ${message}`),
    error: message => lines.push(`error: ${message}`),
    mask: () => {}
  };
}

/** A context without model or template: the diagnosis needs no Azure client for it. */
function context(): RunContext {
  return {
    config: { azure: { resourceGroup: 'rg', subscriptionId: 'sub' }, auth: {} } as unknown as ActionConfig,
    azure: {} as AzureClientFactory,
    deadline: new Deadline(60_000),
    log: recordingLog(),
    results: {},
    findings: new Findings(),
    redactor: new Redactor()
  };
}

describe('diagnoseFailure', () => {
  it('adds a finding for the failure, with secrets redacted from cause and evidence', async () => {
    const ctx = context();
    ctx.redactor.add('s3cr3t-value-123');
    const error = new AzureOperationError(
      'update endpoint',
      500,
      'InternalServerError',
      'boom with s3cr3t-value-123',
      [],
      'c-1',
      undefined
    );
    const findings = await diagnoseFailure('endpoint', error, ctx, 'key=s3cr3t-value-123');
    expect(findings).toHaveLength(1);
    expect(ctx.findings.all).toEqual(findings);
    const shown = JSON.stringify(findings);
    expect(shown).not.toContain('s3cr3t-value-123');
    expect(shown).toContain('boom with ***');
    ctx.deadline.dispose();
  });

  it('leaves configuration errors to their own per-problem report', async () => {
    const ctx = context();
    await diagnoseFailure('infra', new ConfigurationError([{ input: 'template', message: 'bad' }]), ctx);
    expect(ctx.findings.all).toEqual([]);
    ctx.deadline.dispose();
  });

  it('does not diagnose a cancelled run, which must exit at once', async () => {
    const ctx = context();
    ctx.deadline.cancel('The run was cancelled (SIGINT).');
    await diagnoseFailure('deployment', new Error('aborted'), ctx);
    expect(ctx.findings.all).toEqual([]);
    ctx.deadline.dispose();
  });

  it('still explains the failure when gathering evidence throws', async () => {
    const ctx = context();
    // A model config whose client cannot be built: gathering the container logs fails.
    ctx.config = {
      ...ctx.config,
      ml: { workspace: 'ws', endpoint: { name: 'ep' }, deployment: {} }
    } as unknown as ActionConfig;
    ctx.results.ml = {
      workspace: 'ws',
      endpointName: 'ep',
      deployment: { name: 'blue', action: 'created', provisioningState: 'Failed' }
    };
    ctx.azure = {
      machineLearning: () => {
        throw new Error('no client');
      }
    } as unknown as AzureClientFactory;
    const error = new AzureOperationError(
      'create online deployment',
      undefined,
      'ResourceNotReady',
      'crashed',
      [],
      undefined,
      undefined
    );
    const [finding] = await diagnoseFailure('deployment', error, ctx);
    expect(finding).toMatchObject({
      id: 'container-start-failed',
      title: 'Inference container did not start'
    });
    ctx.deadline.dispose();
  });
});

describe('RecentLog', () => {
  it('passes everything on and keeps the last lines', () => {
    const inner = recordingLog();
    const log = new RecentLog(inner, 3);
    log.info('one\ntwo');
    log.warning('three');
    log.debug('not kept');
    log.error('four');
    expect(inner.lines).toEqual(['one\ntwo', 'warning: three', 'debug: not kept', 'error: four']);
    expect(log.text()).toBe('two\nWarning: three\nError: four');
  });

  it('works when its methods are handed on as callbacks', () => {
    const inner = recordingLog();
    const { info, debug } = new RecentLog(inner);
    info('as a callback');
    debug('too');
    expect(inner.lines).toEqual(['as a callback', 'debug: too']);
  });
});
