import type { EmulatorFacts } from '../facts.js';
import { faultFromJson, type FaultScript } from '../faults.js';
import { armError, type HttpResult } from '../http-result.js';
import { applyKnobs, type TimingKnobs } from '../knobs.js';
import type { RequestLog } from '../request-log.js';

/** The parts of the emulator the control API drives. */
export interface ControlTargets {
  facts: EmulatorFacts;
  requestLog: RequestLog;
  faults: FaultScript;
  knobs: TimingKnobs;
  idTokensIssued: () => number;
}

function parse(body: string): unknown {
  try {
    return body.length === 0 ? {} : JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * `/_emulator/…`: the test-control API for tests that run the emulator in another process.
 * GET log · POST reset-log · POST faults (one fault or an array; `pathRegex` for a RegExp) · POST
 * faults/clear · GET|POST knobs · GET facts · GET id-tokens.
 */
export function handleControl(
  method: string,
  path: string,
  body: string,
  targets: ControlTargets
): HttpResult {
  const route = `${method} ${path
    .replace(/^\/_emulator/i, '')
    .replace(/\/$/, '')
    .toLowerCase()}`;
  try {
    switch (route) {
      case 'GET /log':
        return { status: 200, body: { entries: targets.requestLog.entries() } };
      case 'POST /reset-log':
        targets.requestLog.clear();
        return { status: 204 };
      case 'POST /faults': {
        const input = parse(body);
        for (const fault of Array.isArray(input) ? input : [input]) targets.faults.add(faultFromJson(fault));
        return { status: 204 };
      }
      case 'POST /faults/clear':
      case 'DELETE /faults':
        targets.faults.clear();
        return { status: 204 };
      case 'GET /knobs':
        return { status: 200, body: targets.knobs };
      case 'POST /knobs':
        applyKnobs(targets.knobs, (parse(body) ?? {}) as Record<string, unknown>);
        return { status: 200, body: targets.knobs };
      case 'GET /facts':
        return { status: 200, body: targets.facts };
      case 'GET /id-tokens':
        return { status: 200, body: { issued: targets.idTokensIssued() } };
      default:
        return armError(404, 'NotFound', `No control route '${method} ${path}'.`);
    }
  } catch (error) {
    return armError(400, 'InvalidControlRequest', (error as Error).message);
  }
}
