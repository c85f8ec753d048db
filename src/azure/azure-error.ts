import { CredentialChainError } from './credential-chain.js';
import { DeadlineExceededError } from '../run/deadline.js';

/** ARM's error envelope, `{ error: { code, message, target, details } }`, flattened one level at a time. */
export interface ArmErrorDetail {
  code: string;
  message: string;
  target?: string;
  details?: ArmErrorDetail[];
}

/**
 * An Azure call that failed, with everything a user needs to act or to open a support case:
 * the operation in words, HTTP status, ARM code, message, nested details and the correlation id.
 */
export class AzureOperationError extends Error {
  constructor(
    /** What the action was doing, e.g. "create resource group 'rg-ml'". */
    readonly operation: string,
    readonly status: number | undefined,
    readonly code: string,
    readonly azureMessage: string,
    readonly details: ArmErrorDetail[],
    readonly correlationId: string | undefined,
    readonly requestId: string | undefined
  ) {
    super(formatAzureFailure(operation, status, code, azureMessage, details, correlationId));
    this.name = 'AzureOperationError';
  }

  /**
   * The constructor arguments that carry `cause`'s facts, for subclasses that re-raise a failure with a better
   * message (`super(...AzureOperationError.factsOf(cause))`).
   */
  static factsOf(cause: AzureOperationError): ConstructorParameters<typeof AzureOperationError> {
    return [
      cause.operation,
      cause.status,
      cause.code,
      cause.azureMessage,
      cause.details,
      cause.correlationId,
      cause.requestId
    ];
  }
}

function formatAzureFailure(
  operation: string,
  status: number | undefined,
  code: string,
  message: string,
  details: ArmErrorDetail[],
  correlationId: string | undefined
): string {
  const statusText = status ? ` (HTTP ${status})` : '';
  const lines = [`Azure refused to ${operation}${statusText}: ${code}: ${message}`];
  for (const detail of flattenDetails(details)) lines.push(`  - ${detail.code}: ${detail.message}`);
  lines.push(...correlationLine(correlationId));
  return lines.join('\n');
}

/**
 * The line every message about an Azure failure ends with: the id Azure support traces the run's requests by.
 * One place, so the wording is the same whichever error carries it.
 */
export function correlationLine(correlationId: string | undefined): string[] {
  return correlationId ? [`Correlation id: ${correlationId} (quote it to Azure support).`] : [];
}

/** Every nested detail, depth first, so deep causes (a failing resource inside a deployment) surface. */
export function flattenDetails(details: ArmErrorDetail[] | undefined): ArmErrorDetail[] {
  const flat: ArmErrorDetail[] = [];
  for (const detail of details ?? []) {
    flat.push(detail);
    flat.push(...flattenDetails(detail.details));
  }
  return flat;
}

interface RestErrorLike {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
  details?: unknown;
  response?: {
    status?: number;
    headers?: { get(name: string): string | undefined };
    bodyAsText?: string | null;
  };
}

/**
 * Turns whatever an Azure SDK threw into an AzureOperationError. The SDK families disagree on where the
 * error body ends up (`details`, `bodyAsText`), so every place is read here, once, for the whole action.
 */
export function unwrapAzureError(error: unknown, operation: string, fallbackCorrelationId?: string): Error {
  if (error instanceof AzureOperationError) return error;
  // A token the credential could not get is a sign-in failure with Entra's answer, not an Azure call's.
  if (error instanceof CredentialChainError) return error;
  // Name what the action was doing, in words: the retry policy only knows the HTTP request.
  if (error instanceof DeadlineExceededError) {
    return error.message.startsWith('Could not ')
      ? error
      : new DeadlineExceededError(`Could not ${operation}: ${error.message}`);
  }
  if (isAbort(error)) {
    return error instanceof Error && error.name === 'DeadlineExceededError'
      ? error
      : new DeadlineExceededError(
          `Stopped waiting to ${operation}: the run was cancelled or reached its deadline.`
        );
  }
  if (typeof error !== 'object' || error === null) {
    return new AzureOperationError(
      operation,
      undefined,
      'Unknown',
      String(error),
      [],
      fallbackCorrelationId,
      undefined
    );
  }
  const rest = error as RestErrorLike;
  const headers = rest.response?.headers;
  const body = armErrorFrom(rest.details) ?? armErrorFrom(parseJson(rest.response?.bodyAsText));
  const status = rest.statusCode ?? rest.response?.status;
  const code = body?.code ?? rest.code ?? (status ? `HTTP${status}` : 'RequestFailed');
  const message = body?.message ?? rest.message ?? 'no message';
  return new AzureOperationError(
    operation,
    status,
    code,
    message,
    body?.details ?? [],
    headers?.get('x-ms-correlation-request-id') ?? fallbackCorrelationId,
    headers?.get('x-ms-request-id')
  );
}

function isAbort(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'AbortError' || error.name === 'DeadlineExceededError';
}

function parseJson(text: string | null | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Accepts `{error: {...}}`, `{code, message}` or an operation-status body with `error`. */
function armErrorFrom(value: unknown): ArmErrorDetail | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  // A failed deployment carries its error in `properties.error`; operation statuses and envelopes in `error`.
  const properties = record.properties as Record<string, unknown> | undefined;
  const nested =
    record.error ?? (typeof properties === 'object' && properties !== null ? properties.error : undefined);
  const inner = typeof nested === 'object' && nested !== null ? nested : record;
  const candidate = inner as Record<string, unknown>;
  if (typeof candidate.code !== 'string') return undefined;
  return {
    code: candidate.code,
    message: typeof candidate.message === 'string' ? candidate.message : '',
    ...(typeof candidate.target === 'string' ? { target: candidate.target } : {}),
    details: Array.isArray(candidate.details)
      ? candidate.details.map(armErrorFrom).filter((d): d is ArmErrorDetail => d !== undefined)
      : []
  };
}

/** Runs one Azure call, naming it, so any failure says what was being done and with which ids. */
export async function azureCall<T>(
  operation: string,
  call: () => Promise<T>,
  correlationId?: string
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw unwrapAzureError(error, operation, correlationId);
  }
}

/** The raw response a TypeSpec-generated client passes to an `onResponse` callback. */
interface RawResponse {
  status: number;
  headers: { get(name: string): string | undefined };
  bodyAsText?: string | null;
}

/**
 * Runs a long-running Azure call, keeping the last HTTP response it saw. The newer SDK clients
 * (arm-resourcesdeployments, arm-keyvault) turn a failed operation into a bare "The long-running operation
 * has failed", dropping ARM's status, code, details and correlation id; the last response still has them.
 */
export async function azureLroCall<T>(
  operation: string,
  call: (onResponse: (response: RawResponse) => void) => Promise<T>,
  correlationId?: string
): Promise<T> {
  let last: RawResponse | undefined;
  try {
    return await call(response => (last = response));
  } catch (error) {
    const aborted =
      error instanceof Error && (error.name === 'AbortError' || error.name === 'DeadlineExceededError');
    const body = parseJson(last?.bodyAsText);
    if (last && !aborted && (last.status >= 400 || armErrorFrom(body) !== undefined)) {
      const status = last.status >= 400 ? last.status : undefined;
      throw unwrapAzureError({ statusCode: status, details: body, response: last }, operation, correlationId);
    }
    throw unwrapAzureError(error, operation, correlationId);
  }
}
