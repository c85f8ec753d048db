import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type Emulator, type ResourceProvider } from '../../emulator/index.js';
import { armToken, send, type Reply } from './client.js';

const API = 'api-version=2023-01-01';

/** A provider that exercises each LRO style on `Microsoft.Test/{async|location|body}Things`. */
const testProvider: ResourceProvider = {
  name: 'test',
  // Not an Azure namespace: declared, so ARM's namespace check lets GETs through to the generic store.
  namespaces: ['Microsoft.Test'],
  matches: req => req.resource?.namespace.toLowerCase() === 'microsoft.test' && !req.resource.isCollection,
  handle: (req, ctx) => {
    const resource = req.resource!;
    const style = resource.types[0].toLowerCase();
    if (req.method !== 'PUT') return undefined;
    if (style === 'asyncthings') {
      const stored = ctx.store.put(resource.id, { properties: { provisioningState: 'Creating' } }).resource;
      const fail = resource.name === 'doomed';
      return ctx.lro.asyncOperation(
        resource.subscriptionId,
        { status: 201, body: stored },
        {
          apiVersion: req.apiVersion,
          complete: () => {
            ctx.store.update(resource.id, doc => {
              doc.properties = { provisioningState: fail ? 'Failed' : 'Succeeded' };
            });
            return fail
              ? { status: 'Failed', error: { code: 'Doomed', message: 'It was never going to work.' } }
              : {};
          }
        }
      );
    }
    if (style === 'locationthings') {
      return ctx.lro.location(resource.subscriptionId, {
        apiVersion: req.apiVersion,
        complete: () => ({ result: { status: 200, body: ctx.store.put(resource.id, {}).resource } })
      });
    }
    ctx.store.put(resource.id, { location: 'westus' });
    ctx.lro.bodyPolling(ctx.store, resource.id, ['RegisteringDns', 'Succeeded']);
    return { status: 200, body: ctx.store.get(resource.id) };
  }
};

describe('provider extension point, LROs and faults', () => {
  let emu: Emulator;
  let token: string;
  let rg: string;
  const get = (url: string) => {
    const parsed = new URL(url, emu.facts.armEndpoint);
    return send(emu, 'GET', parsed.pathname + parsed.search, { token });
  };
  const arm = (method: string, path: string, body?: unknown) =>
    send(emu, method, `${rg}${path}?${API}`, { token, body });
  async function pollUntil(url: string, done: (reply: Reply) => boolean): Promise<Reply[]> {
    const replies: Reply[] = [];
    for (let i = 0; i < 50; i += 1) {
      const reply = await get(url);
      replies.push(reply);
      if (done(reply)) return replies;
      expect(reply.headers['retry-after']).toBeDefined();
      await sleep(50);
    }
    throw new Error('never finished');
  }

  beforeAll(async () => {
    emu = await startEmulator({ blob: false, knobs: { lroDurationMs: 200 } });
    emu.registerProvider(testProvider);
    token = await armToken(emu);
    rg = `/subscriptions/${emu.facts.subscriptionId}/resourceGroups/rg-lro`;
    await send(emu, 'PUT', `${rg}?${API}`, { token, body: { location: 'westus' } });
  });
  afterAll(async () => {
    await emu?.stop();
  });
  beforeEach(() => {
    emu.faults.clear();
    emu.requestLog.clear();
  });

  it('(a) Azure-AsyncOperation: InProgress, then Succeeded or Failed with the error', async () => {
    const started = await arm('PUT', '/providers/Microsoft.Test/asyncThings/one', {});
    expect(started.status).toBe(201);
    expect(started.body.properties.provisioningState).toBe('Creating');
    const statusUrl = started.headers['azure-asyncoperation'] as string;
    expect(started.headers.location).toBeDefined();
    const replies = await pollUntil(statusUrl, r => r.body.status !== 'InProgress');
    expect(replies[0].body.status).toBe('InProgress');
    expect(replies.at(-1)!.body).toMatchObject({ status: 'Succeeded' });
    expect(
      (await arm('GET', '/providers/Microsoft.Test/asyncThings/one')).body.properties.provisioningState
    ).toBe('Succeeded');

    const doomed = await arm('PUT', '/providers/Microsoft.Test/asyncThings/doomed', {});
    const failed = await pollUntil(
      doomed.headers['azure-asyncoperation'] as string,
      r => r.body.status !== 'InProgress'
    );
    expect(failed.at(-1)!.body).toMatchObject({ status: 'Failed', error: { code: 'Doomed' } });
  });

  it('(b) Location: 202 while running, then the final result', async () => {
    const started = await arm('PUT', '/providers/Microsoft.Test/locationThings/two', {});
    expect([started.status, started.headers['retry-after']]).toEqual([202, '1']);
    const replies = await pollUntil(started.headers.location as string, r => r.status !== 202);
    expect(replies.length).toBeGreaterThan(1);
    expect(replies.at(-1)!.status).toBe(200);
    expect(replies.at(-1)!.body.name).toBe('two');
  });

  it('(c) body polling: provisioningState moves from RegisteringDns to Succeeded', async () => {
    const started = await arm('PUT', '/providers/Microsoft.Test/bodyThings/three', {});
    expect(started.body.properties.provisioningState).toBe('RegisteringDns');
    const url = `${rg}/providers/Microsoft.Test/bodyThings/three?${API}`;
    const replies = await pollUntil(url, r => r.body.properties.provisioningState === 'Succeeded');
    expect(replies[0].body.properties.provisioningState).toBe('RegisteringDns');
    expect(replies[0].headers['retry-after']).toBe('1');
    expect(replies.at(-1)!.headers['retry-after']).toBeUndefined();
  });

  it('a knob of 0 ms completes an operation on the first poll', async () => {
    emu.knobs.lroDurationMs = 0;
    const started = await arm('PUT', '/providers/Microsoft.Test/locationThings/fast', {});
    expect(started.headers['retry-after']).toBe('0');
    expect((await get(started.headers.location as string)).status).toBe(200);
    emu.knobs.lroDurationMs = 200;
  });

  it('scripted status faults with headers apply to the first `times` matches', async () => {
    emu.faults.add({
      method: 'PUT',
      path: '*/resourcegroups/rg-fault',
      status: 429,
      headers: { 'retry-after-ms': '200' },
      times: 2
    });
    const path = `/subscriptions/${emu.facts.subscriptionId}/resourcegroups/rg-fault?${API}`;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const reply = await send(emu, 'PUT', path, { token, body: { location: 'westus' } });
      statuses.push(reply.status);
      if (reply.status === 429) {
        expect(reply.headers['retry-after-ms']).toBe('200');
        expect(reply.body.error.code).toBe('TooManyRequests');
      }
    }
    expect(statuses).toEqual([429, 429, 201]);
    expect(emu.requestLog.entries().map(e => e.fault)).toEqual(['status', 'status', undefined]);
  });

  it('applies a fault to the n-th occurrence only, matched case-insensitively by RegExp', async () => {
    emu.faults.add({
      method: 'GET',
      path: /\/RESOURCEGROUPS\/rg-lro$/,
      status: 503,
      code: 'ServiceUnavailable',
      nth: 2
    });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await send(emu, 'GET', `${rg}?${API}`, { token })).status);
    expect(statuses).toEqual([200, 503, 200]);
  });

  it('resets the connection, delays, and truncates a body', async () => {
    emu.faults.add({ path: `${rg}`, reset: true, times: 1 });
    await expect(send(emu, 'GET', `${rg}?${API}`, { token })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(emu.requestLog.entries()[0]).toMatchObject({ status: 0, fault: 'reset' });

    emu.faults.clear();
    emu.faults.add({ path: `${rg}`, delayMs: 300, times: 1 });
    const started = Date.now();
    expect((await send(emu, 'GET', `${rg}?${API}`, { token })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    emu.faults.clear();
    emu.faults.add({ path: `${rg}`, truncate: true, times: 1 });
    await expect(send(emu, 'GET', `${rg}?${API}`, { token })).rejects.toThrow(/aborted|ECONNRESET|hang up/);
  });

  it('offers faults, knobs and the log over the control API', async () => {
    const control = emu.facts.controlEndpoint;
    expect(
      (
        await send(emu, 'POST', `${control}/faults`, {
          body: { method: 'GET', pathRegex: 'rg-lro$', status: 500, times: 1 }
        })
      ).status
    ).toBe(204);
    expect((await send(emu, 'GET', `${rg}?${API}`, { token })).status).toBe(500);
    const knobs = await send(emu, 'POST', `${control}/knobs`, { body: { lroDurationMs: 5 } });
    expect([knobs.body.lroDurationMs, emu.knobs.lroDurationMs]).toEqual([5, 5]);
    const log = await send(emu, 'GET', `${control}/log`);
    expect(log.body.entries.map((e: { status: number; service: string }) => [e.service, e.status])).toEqual([
      ['control', 204],
      ['arm', 500],
      ['control', 200]
    ]);
    await send(emu, 'POST', `${control}/reset-log`);
    expect(emu.requestLog.entries().map(e => e.path)).toEqual([`/_emulator/reset-log`]);
    emu.knobs.lroDurationMs = 200;
  });
});
