import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/** What Entra's token endpoint answered when it refused a token: the facts a user quotes to fix sign-in. */
export interface EntraFailure {
  status: number;
  /** OAuth's `error`, e.g. `invalid_client`. */
  error?: string;
  /** e.g. `AADSTS7000215`. */
  code?: string;
  /** `error_description` without its code and the trace/correlation/timestamp tail. */
  description?: string;
  correlationId?: string;
}

/**
 * Records the token endpoint's refusals as they pass through the credential's HTTP pipeline. MSAL turns
 * Entra's answer into a message without the HTTP status, and @azure/identity's EnvironmentCredential
 * reports every failure as status 400: the response itself is the only faithful source.
 */
export class EntraFailureRecorder {
  #last: EntraFailure | undefined;

  readonly policy: PipelinePolicy = {
    name: 'entraFailureRecorder',
    sendRequest: async (request, next) => {
      const response = await next(request);
      if (response.status >= 400 && /\/oauth2\/(v2\.0\/)?token$/i.test(new URL(request.url).pathname)) {
        this.#last = entraFailure(response.status, response.bodyAsText);
      }
      return response;
    }
  };

  /** The refusal recorded since the last call, once. */
  take(): EntraFailure | undefined {
    const last = this.#last;
    this.#last = undefined;
    return last;
  }
}

function entraFailure(status: number, body: string | null | undefined): EntraFailure {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(body ?? '') as Record<string, unknown>;
  } catch {
    // Not OAuth's JSON (a proxy's page): the status alone is still a fact.
  }
  const text = typeof parsed.error_description === 'string' ? parsed.error_description : '';
  const match = /^(AADSTS\d+):\s*([\s\S]*?)(?:\s*Trace ID:[\s\S]*)?$/.exec(text);
  const correlationId = parsed.correlation_id;
  return {
    status,
    ...(typeof parsed.error === 'string' ? { error: parsed.error } : {}),
    ...(match ? { code: match[1]!, description: match[2]! } : text ? { description: text } : {}),
    ...(typeof correlationId === 'string' ? { correlationId } : {})
  };
}

/** One line: `Entra answered HTTP 401 invalid_client, AADSTS7000215: Invalid client secret provided. (correlation id …)`. */
export function describeEntraFailure(failure: EntraFailure): string {
  const what = [failure.error, failure.code].filter(Boolean).join(', ');
  const description = failure.description ? `: ${failure.description}` : '';
  const correlation = failure.correlationId ? ` (correlation id ${failure.correlationId})` : '';
  return `Entra answered HTTP ${failure.status}${what ? ` ${what}` : ''}${description}${correlation}`;
}
