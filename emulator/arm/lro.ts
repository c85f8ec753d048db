import { randomUUID } from 'node:crypto';
import { armError, type ArmErrorDetail, type HttpResult } from '../http-result.js';
import type { TimingKnobs } from '../knobs.js';
import { isTerminalState, type ResourceStore } from './resource-store.js';

/** How an operation ended; returned by a provider's `complete` callback. */
export interface OperationOutcome {
  /** Defaults to `Succeeded`. */
  status?: 'Succeeded' | 'Failed' | 'Canceled';
  /** The error shown in the operation status (and as the Location poll's failure body). */
  error?: ArmErrorDetail;
  /** What the Location poll answers once done; defaults to 200 with no body, or 400 with `error`. */
  result?: HttpResult;
}

/** Options shared by the LRO helpers. */
export interface LroOptions {
  /** api-version to put in the polling URLs (the client's). */
  apiVersion: string;
  /** How long the operation runs; defaults to the `lroDurationMs` knob (read when the operation starts). */
  durationMs?: number;
  /** Called once, when the operation is first observed to be over; applies its effect and says how it ended. */
  complete?: () => OperationOutcome | void;
  /** Provider namespace in the polling URLs, e.g. `Microsoft.MachineLearningServices`. */
  namespace?: string;
}

interface Operation {
  id: string;
  subscriptionId: string;
  options: LroOptions;
  startTime: Date;
  durationMs: number;
  outcome?: Required<Pick<OperationOutcome, 'status'>> & OperationOutcome;
  endTime?: Date;
}

const OPERATION_PATH =
  /^\/subscriptions\/([^/]+)\/providers\/[^/]+\/locations\/[^/]+\/(operationStatuses|operationResults)\/([^/]+)$/i;

/**
 * Long-running operations in the three styles ARM clients poll:
 * (a) `Azure-AsyncOperation` → an operation-status resource, (b) `Location` → 202 until the final result,
 * (c) body polling → the resource's own `provisioningState`. Time is checked when polled, so a duration of
 * 0 completes on the first poll and nothing needs a timer.
 */
export class LroManager {
  readonly #operations = new Map<string, Operation>();

  constructor(
    private readonly knobs: TimingKnobs,
    private readonly armEndpoint: () => string
  ) {}

  /**
   * Style (a): returns `initial` (typically 201 or 200 with the resource in a non-terminal state) plus an
   * `Azure-AsyncOperation` header, a `Location` header for the operation result, and `Retry-After`.
   */
  asyncOperation(subscriptionId: string, initial: HttpResult, options: LroOptions): HttpResult {
    const operation = this.#start(subscriptionId, options);
    return {
      ...initial,
      headers: {
        ...initial.headers,
        'azure-asyncoperation': this.#url(operation, 'operationStatuses'),
        location: this.#url(operation, 'operationResults'),
        'retry-after': String(this.#retryAfter(operation))
      }
    };
  }

  /** Style (b): 202 with `Location` and `Retry-After`; the Location answers 202 until done, then the result. */
  location(subscriptionId: string, options: LroOptions): HttpResult {
    const operation = this.#start(subscriptionId, options);
    return {
      status: 202,
      headers: {
        location: this.#url(operation, 'operationResults'),
        'retry-after': String(this.#retryAfter(operation))
      }
    };
  }

  /**
   * Style (c): schedules the stored resource's `provisioningState` through `states` (e.g. `RegisteringDns`,
   * `Succeeded`), evenly over the duration: the first state at once, the last when the time is up.
   */
  bodyPolling(
    store: ResourceStore,
    id: string,
    states: string[],
    durationMs = this.knobs.lroDurationMs
  ): void {
    const gaps = Math.max(1, states.length - 1);
    store.scheduleProvisioning(
      id,
      states.map((state, index) => ({
        state,
        atMs: index === 0 ? 0 : Math.round((durationMs * index) / gaps)
      }))
    );
  }

  /** `Retry-After` headers for a GET of a body-polled resource still in a non-terminal state. */
  bodyPollingHeaders(store: ResourceStore, id: string): Record<string, string> {
    const resource = store.get(id);
    if (!resource || isTerminalState(resource.properties?.provisioningState)) return {};
    const remaining = store.nextProvisioningStepInMs(id) ?? 0;
    return { 'retry-after': String(Math.min(this.knobs.retryAfterSeconds, Math.ceil(remaining / 1000))) };
  }

  /** Answers a poll of an operation URL this manager issued; undefined for any other path. */
  handlePoll(method: string, path: string): HttpResult | undefined {
    const match = OPERATION_PATH.exec(path);
    const operation = match ? this.#operations.get(match[3]) : undefined;
    if (!match || !operation || method !== 'GET') return undefined;
    if (operation.subscriptionId.toLowerCase() !== match[1].toLowerCase()) return undefined;
    const outcome = this.#settle(operation);
    const headers = { 'retry-after': String(this.#retryAfter(operation)) };
    if (match[2].toLowerCase() === 'operationstatuses') {
      return { status: 200, headers, body: this.#statusBody(operation, match[0]) };
    }
    if (!outcome) {
      return { status: 202, headers: { ...headers, location: this.#url(operation, 'operationResults') } };
    }
    const fallback: HttpResult =
      outcome.status === 'Succeeded'
        ? { status: 200 }
        : armError(
            400,
            outcome.error?.code ?? 'OperationFailed',
            outcome.error?.message ?? 'The operation failed.'
          );
    const result = outcome.result ?? fallback;
    return { ...result, headers: { ...headers, ...result.headers } };
  }

  /** Forgets all operations (between tests). */
  clear(): void {
    this.#operations.clear();
  }

  #start(subscriptionId: string, options: LroOptions): Operation {
    const operation: Operation = {
      id: randomUUID(),
      subscriptionId,
      options,
      startTime: new Date(),
      durationMs: options.durationMs ?? this.knobs.lroDurationMs
    };
    this.#operations.set(operation.id, operation);
    return operation;
  }

  #settle(operation: Operation): Operation['outcome'] {
    if (operation.outcome) return operation.outcome;
    if (Date.now() - operation.startTime.getTime() < operation.durationMs) return undefined;
    const outcome = operation.options.complete?.() ?? {};
    operation.outcome = { ...outcome, status: outcome.status ?? 'Succeeded' };
    operation.endTime = new Date();
    return operation.outcome;
  }

  #retryAfter(operation: Operation): number {
    if (operation.outcome) return 0;
    const remaining = operation.startTime.getTime() + operation.durationMs - Date.now();
    return Math.max(0, Math.min(this.knobs.retryAfterSeconds, Math.ceil(remaining / 1000)));
  }

  #statusBody(operation: Operation, path: string): Record<string, unknown> {
    const body: Record<string, unknown> = {
      id: path,
      name: operation.id,
      status: operation.outcome?.status ?? 'InProgress',
      startTime: operation.startTime.toISOString()
    };
    if (operation.endTime) body.endTime = operation.endTime.toISOString();
    if (operation.outcome?.error) body.error = operation.outcome.error;
    return body;
  }

  #url(operation: Operation, kind: 'operationStatuses' | 'operationResults'): string {
    const namespace = operation.options.namespace ?? 'Microsoft.Resources';
    const path = `/subscriptions/${operation.subscriptionId}/providers/${namespace}/locations/local/${kind}/${operation.id}`;
    return `${this.armEndpoint()}${path}?api-version=${encodeURIComponent(operation.options.apiVersion)}`;
  }
}
