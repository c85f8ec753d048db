import { randomUUID } from 'node:crypto';
import type { ArmErrorDetail, HttpResult } from '../../http-result.js';

/** How an Azure ML operation ended. */
export interface MlOutcome {
  status: 'Succeeded' | 'Failed' | 'Canceled';
  error?: ArmErrorDetail;
}

interface Operation {
  id: string;
  subscriptionId: string;
  startTime: Date;
  endTime?: Date;
  outcome?: MlOutcome;
  /** For timed operations: when it is due, and what completing it does. */
  dueAt?: number;
  complete?: () => MlOutcome | void;
}

const POLL_PATH =
  /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/locations\/[^/]+\/(mfeOperationsStatus|mfeOperationResults)\/([^/]+)$/i;

/**
 * Azure ML's own long-running operations. The core LRO manager settles an operation when its time is up;
 * an online deployment instead ends when real work ends (a download, a Python process starting), so ML keeps
 * its own registry, polled at the URLs the real service hands out (`mfeOperationsStatus` for
 * Azure-AsyncOperation, `mfeOperationResults` for Location).
 */
export class MlOperations {
  readonly #operations = new Map<string, Operation>();

  /** Starts an operation that something else settles with {@link settle}. */
  start(subscriptionId: string): string {
    const operation: Operation = { id: randomUUID(), subscriptionId, startTime: new Date() };
    this.#operations.set(operation.id, operation);
    return operation.id;
  }

  /** Starts an operation that completes `durationMs` from now, applying `complete` when first observed. */
  startTimed(subscriptionId: string, durationMs: number, complete?: () => MlOutcome | void): string {
    const id = this.start(subscriptionId);
    const operation = this.#operations.get(id) as Operation;
    operation.dueAt = Date.now() + durationMs;
    operation.complete = complete;
    return id;
  }

  /** Ends an operation. */
  settle(id: string, outcome: MlOutcome): void {
    const operation = this.#operations.get(id);
    if (!operation || operation.outcome) return;
    operation.outcome = outcome;
    operation.endTime = new Date();
  }

  /** Completes every timed operation whose time is up (called before each request is answered). */
  settleDue(): void {
    const now = Date.now();
    for (const operation of this.#operations.values()) {
      if (operation.outcome || operation.dueAt === undefined || operation.dueAt > now) continue;
      const outcome = operation.complete?.() ?? { status: 'Succeeded' as const };
      this.settle(operation.id, outcome);
    }
  }

  /** The polling headers for a response that started operation `id`. */
  headers(
    id: string,
    armEndpoint: string,
    apiVersion: string,
    retryAfterSeconds: number
  ): Record<string, string> {
    const operation = this.#operations.get(id) as Operation;
    const base = `${armEndpoint}/subscriptions/${operation.subscriptionId}/providers/Microsoft.MachineLearningServices/locations/local`;
    const query = `?api-version=${encodeURIComponent(apiVersion)}`;
    return {
      'azure-asyncoperation': `${base}/mfeOperationsStatus/${id}${query}`,
      location: `${base}/mfeOperationResults/${id}${query}`,
      'retry-after': String(retryAfterSeconds)
    };
  }

  /** Whether a path is one of this registry's polling URLs. */
  isPollPath(path: string): boolean {
    return POLL_PATH.test(path);
  }

  /** Answers a poll; undefined when the path is not one of ours. */
  poll(method: string, path: string, retryAfterSeconds: number): HttpResult | undefined {
    const match = POLL_PATH.exec(path);
    const operation = match ? this.#operations.get(match[3]) : undefined;
    if (!match || method !== 'GET') return undefined;
    if (!operation || operation.subscriptionId.toLowerCase() !== match[1].toLowerCase()) {
      return {
        status: 404,
        body: { error: { code: 'NotFound', message: `Operation '${match[3]}' was not found.` } }
      };
    }
    const retry = { 'retry-after': String(operation.outcome ? 0 : retryAfterSeconds) };
    if (match[2].toLowerCase() === 'mfeoperationsstatus') {
      const body: Record<string, unknown> = {
        id: match[0],
        name: operation.id,
        status: operation.outcome?.status ?? 'InProgress',
        startTime: operation.startTime.toISOString()
      };
      if (operation.endTime) body.endTime = operation.endTime.toISOString();
      if (operation.outcome?.error) body.error = operation.outcome.error;
      return { status: 200, headers: retry, body };
    }
    if (!operation.outcome) return { status: 202, headers: retry };
    if (operation.outcome.status === 'Succeeded') return { status: 200, headers: retry };
    return { status: 400, headers: retry, body: { error: operation.outcome.error } };
  }

  /** Forgets everything. */
  clear(): void {
    this.#operations.clear();
  }
}
