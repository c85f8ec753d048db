import type { CapacitySettings } from './scoring-target.js';

/**
 * How many instances the deployment needs for `target-rps`, from the measured request time: each instance
 * serves `maxConcurrentRequestsPerInstance` requests at once and is scaled to stay at `utilization` of that,
 * so `instances = ceil(targetRps × requestTime / utilization / maxConcurrentRequestsPerInstance)`.
 */
export interface CapacityAdvice {
  targetRps: number;
  /** The measured request time (p50 of the 2xx answers), ms. */
  requestTimeMs: number;
  maxConcurrentRequestsPerInstance: number;
  utilization: number;
  /** Instances the formula asks for. */
  required: number;
  /** The deployment's minimum (autoscale) or fixed instance count. */
  instances: number;
  /** False when `instances` is below `required`: users would meet 429/503 at the target load. */
  sufficient: boolean;
  /** The formula with the numbers, e.g. `ceil(20 × 0.212 s / 0.7 / 1) = ceil(6.06) = 7`. */
  formula: string;
  /** Where each input came from, one line each. */
  inputs: string[];
}

/** Floating-point noise (20 × 0.21 / 0.7 = 6.000000000000001) must not add an instance. */
const EPSILON = 1e-9;

/** Applies the formula; `requestTimeMs` is what the gate measured. */
export function adviseCapacity(
  targetRps: number,
  requestTimeMs: number,
  settings: CapacitySettings
): CapacityAdvice {
  const { maxConcurrentRequestsPerInstance: perInstance, utilization, instances } = settings;
  const seconds = requestTimeMs / 1000;
  const exact = (targetRps * seconds) / utilization / perInstance;
  const required = Math.max(1, Math.ceil(exact - EPSILON));
  return {
    targetRps,
    requestTimeMs,
    maxConcurrentRequestsPerInstance: perInstance,
    utilization,
    required,
    instances,
    sufficient: instances >= required,
    formula:
      `ceil(targetRps × requestTime / utilization / maxConcurrentRequestsPerInstance) = ` +
      `ceil(${targetRps} × ${seconds} s / ${utilization} / ${perInstance}) = ceil(${round(exact)}) = ${required}`,
    inputs: [
      `targetRps = ${targetRps} (input 'target-rps')`,
      `requestTime = ${seconds} s (p50 of the 2xx answers the gate measured)`,
      `utilization = ${utilization} (${settings.utilizationSource})`,
      `maxConcurrentRequestsPerInstance = ${perInstance} (${settings.concurrencySource})`,
      `instances = ${instances} (${settings.instancesSource})`
    ]
  };
}

function round(value: number): number {
  return Number(value.toFixed(2));
}
