import { describeResourceId } from './resource-id.js';

/** A stored ARM resource document: what GET returns. */
export interface StoredResource {
  id: string;
  name: string;
  type: string;
  location?: string;
  tags?: Record<string, string>;
  properties?: Record<string, unknown>;
  [field: string]: unknown;
}

/** One step of a body-polled provisioning: at `atMs` after scheduling, provisioningState becomes `state`. */
export interface ProvisioningStep {
  atMs: number;
  state: string;
  /** Extra change applied to the document when the step is reached. */
  apply?: (resource: StoredResource) => void;
}

interface Schedule {
  startedAt: number;
  steps: ProvisioningStep[];
}

const TERMINAL_STATES = new Set(['succeeded', 'failed', 'canceled']);

/** Whether ARM clients stop polling at this provisioningState. */
export function isTerminalState(state: unknown): boolean {
  return typeof state !== 'string' || TERMINAL_STATES.has(state.toLowerCase());
}

/**
 * All resources (resource groups included) keyed by resource id. Lookups ignore case as ARM does, while the
 * casing of the id used at creation is what GET reports. Documents are copied in and out, so callers never
 * share state with the store by accident.
 */
export class ResourceStore {
  readonly #docs = new Map<string, StoredResource>();
  readonly #schedules = new Map<string, Schedule>();

  /** The resource with this id, or undefined. Due provisioning steps are applied first. */
  get(id: string): StoredResource | undefined {
    const key = id.toLowerCase();
    this.#advance(key);
    const doc = this.#docs.get(key);
    return doc ? structuredClone(doc) : undefined;
  }

  /** Whether a resource with this id exists. */
  has(id: string): boolean {
    return this.#docs.has(id.toLowerCase());
  }

  /**
   * Creates or replaces a resource. `id`, `name` and `type` are derived from the id (keeping the casing of
   * the first creation); `properties.provisioningState` defaults to `Succeeded`.
   */
  put(id: string, document: Partial<StoredResource>): { created: boolean; resource: StoredResource } {
    const key = id.toLowerCase();
    const existing = this.#docs.get(key);
    const keptId = existing?.id ?? id;
    const { name, type } = describeResourceId(keptId);
    const properties = { ...(document.properties ?? {}) };
    properties.provisioningState ??= 'Succeeded';
    const stored = structuredClone({ ...document, id: keptId, name, type, properties }) as StoredResource;
    this.#docs.set(key, stored);
    this.#schedules.delete(key);
    return { created: !existing, resource: structuredClone(stored) };
  }

  /** Changes a stored resource in place; returns the new document, or undefined when it does not exist. */
  update(id: string, mutate: (resource: StoredResource) => void): StoredResource | undefined {
    const key = id.toLowerCase();
    this.#advance(key);
    const doc = this.#docs.get(key);
    if (!doc) return undefined;
    mutate(doc);
    return structuredClone(doc);
  }

  /** Deletes a resource and everything beneath its id (child resources); true when it existed. */
  delete(id: string): boolean {
    const key = id.toLowerCase();
    const existed = this.#docs.delete(key);
    this.#schedules.delete(key);
    this.deleteUnder(id);
    return existed;
  }

  /** Deletes every resource whose id starts with `prefix/` (the contents of a group or a parent). */
  deleteUnder(prefix: string): number {
    const start = prefix.toLowerCase().replace(/\/+$/, '') + '/';
    let count = 0;
    for (const key of [...this.#docs.keys()]) {
      if (key.startsWith(start)) {
        this.#docs.delete(key);
        this.#schedules.delete(key);
        count += 1;
      }
    }
    return count;
  }

  /**
   * Resources matching all given filters: `under` an id prefix (a group, a parent resource) and/or of
   * `type` (full type, case-insensitive). Sorted by id so lists are stable.
   */
  list(filter: { under?: string; type?: string } = {}): StoredResource[] {
    const start = filter.under?.toLowerCase().replace(/\/+$/, '') + '/';
    const type = filter.type?.toLowerCase();
    const found: StoredResource[] = [];
    for (const key of [...this.#docs.keys()].sort()) {
      if (filter.under !== undefined && !key.startsWith(start)) continue;
      this.#advance(key);
      const doc = this.#docs.get(key);
      if (!doc || (type !== undefined && doc.type.toLowerCase() !== type)) continue;
      found.push(structuredClone(doc));
    }
    return found;
  }

  /** Removes everything. */
  clear(): void {
    this.#docs.clear();
    this.#schedules.clear();
  }

  /**
   * Schedules body-polled provisioning (the third ARM LRO style): the resource's provisioningState moves
   * through `steps` as time passes, observed by whoever reads it next.
   */
  scheduleProvisioning(id: string, steps: ProvisioningStep[]): void {
    const key = id.toLowerCase();
    this.#schedules.set(key, { startedAt: Date.now(), steps: [...steps].sort((a, b) => a.atMs - b.atMs) });
    this.#advance(key);
  }

  /** Milliseconds until the resource's next scheduled provisioning step, or undefined when none is due. */
  nextProvisioningStepInMs(id: string): number | undefined {
    const schedule = this.#schedules.get(id.toLowerCase());
    if (!schedule) return undefined;
    return Math.max(0, schedule.startedAt + schedule.steps[0].atMs - Date.now());
  }

  // Applied lazily on read rather than by timers: no timers to clean up, and time knobs of 0 ms take
  // effect on the very next read.
  #advance(key: string): void {
    const schedule = this.#schedules.get(key);
    const doc = this.#docs.get(key);
    if (!schedule || !doc) return;
    const elapsed = Date.now() - schedule.startedAt;
    while (schedule.steps.length > 0 && schedule.steps[0].atMs <= elapsed) {
      const step = schedule.steps.shift() as ProvisioningStep;
      doc.properties = { ...doc.properties, provisioningState: step.state };
      step.apply?.(doc);
    }
    if (schedule.steps.length === 0) this.#schedules.delete(key);
  }
}
