import { createHash } from 'node:crypto';
import { type ArmValue, unknown } from '../../../src/arm/index.js';
import { ArmFunctionError } from '../../../src/arm/values.js';
import { resourceGroupId } from '../../arm/resource-id.js';
import type { ResourceStore, StoredResource } from '../../arm/resource-store.js';
import type { DeploymentPlan } from './deployment-plan.js';
import type { RuntimeFunctions } from './runtime-evaluator.js';

/**
 * reference() and list*() answered from the emulator's resource store, for one deployment. In what-if mode
 * a resource that does not exist yet gives Unknown (ARM's what-if shows such values unevaluated).
 */
export class StoreRuntime implements RuntimeFunctions {
  /** Set once the deployment is planned, so names of its own resources resolve. */
  plan: DeploymentPlan | undefined;

  constructor(
    private readonly store: ResourceStore,
    private readonly subscriptionId: string,
    private readonly resourceGroup: string,
    private readonly whatIf = false
  ) {}

  reference(args: ArmValue[]): ArmValue {
    const [target, apiVersion, full] = args;
    if (typeof target !== 'string') throw new ArmFunctionError('reference() needs a resource id or name');
    const found = this.#find(target);
    if (!found) {
      if (this.whatIf) return unknown(`reference('${target}') is known once the resource is deployed`);
      throw new ArmFunctionError(
        `The Resource '${target}' under resource group '${this.resourceGroup}' was not found. For more ` +
          'details please go to https://aka.ms/ARMResourceNotFoundFix'
      );
    }
    const properties = (found.properties ?? {}) as ArmValue;
    if (typeof full !== 'string' || full.toLowerCase() !== 'full') return properties;
    const { id, name, type, location, tags, sku, kind, identity } = found;
    const document: Record<string, unknown> = {
      id,
      name,
      type,
      location,
      tags,
      sku,
      kind,
      identity,
      properties
    };
    if (typeof apiVersion === 'string') document.apiVersion = apiVersion;
    for (const key of Object.keys(document)) if (document[key] === undefined) delete document[key];
    return document as ArmValue;
  }

  list(name: string, args: ArmValue[]): ArmValue {
    const target = args[0];
    if (typeof target !== 'string') throw new ArmFunctionError(`${name}() needs a resource id`);
    const found = this.#find(target);
    if (!found) {
      if (this.whatIf) return unknown(`${name}('${target}') is known once the resource is deployed`);
      throw new ArmFunctionError(
        `The Resource '${target}' under resource group '${this.resourceGroup}' was not found.`
      );
    }
    if (
      name.toLowerCase() === 'listkeys' &&
      found.type.toLowerCase() === 'microsoft.storage/storageaccounts'
    ) {
      const key = (keyName: string) => createHash('sha256').update(`${found.id}/${keyName}`).digest('base64');
      return {
        keys: ['key1', 'key2'].map(keyName => ({ keyName, value: key(keyName), permissions: 'FULL' }))
      };
    }
    throw new ArmFunctionError(`the local Azure stand-in cannot answer ${name}() for '${found.type}'`);
  }

  #find(target: string): StoredResource | undefined {
    if (target.startsWith('/')) return this.store.get(target);
    const lower = target.toLowerCase();
    const own = this.plan?.resources.find(
      r =>
        r.name.toLowerCase() === lower ||
        `${r.type}/${r.name}`.toLowerCase() === lower ||
        r.walked.jsonPath.at(-1) === target
    );
    if (own) return this.store.get(own.id);
    // A name only: ARM looks in the deployment's resource group.
    const group = resourceGroupId(this.subscriptionId, this.resourceGroup);
    return this.store.list({ under: group }).find(doc => doc.name.toLowerCase() === lower);
  }
}
