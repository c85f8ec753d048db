import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  deploymentScopeOf,
  loadTemplate,
  type DeploymentContext,
  type DeploymentScope
} from '../src/arm/index.js';
import type { InfraConfig } from '../src/config/infra-config.js';
import { offlineProblems } from '../src/infra/plan-infra.js';
import { describeProblem } from '../src/run/errors.js';

/**
 * The Azure Verified Modules corpus: compiled `main.json` files of avm/res/** from
 * Azure/bicep-registry-modules, each checked offline as the action checks a template at configuration
 * (`offlineProblems`), with minimal valid parameters generated from the template's own declarations.
 * ARM accepts every one of these templates with such parameters, so every problem found is a false refusal.
 */

/** Where the corpus deploys to, as parse-config builds it from the inputs. */
export const AVM_CONTEXT: DeploymentContext = {
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  tenantId: '11111111-1111-1111-1111-111111111111',
  resourceGroup: {
    name: 'avm-rg',
    location: 'westeurope',
    id: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/avm-rg'
  },
  deploymentName: 'avm-deployment'
};

type Declaration = Record<string, unknown>;

/** A declaration with `$ref: '#/definitions/x'` replaced by the definition it names (its own keys win). */
function resolveRef(declaration: Declaration, definitions: Record<string, Declaration>): Declaration {
  const ref = declaration.$ref;
  if (typeof ref !== 'string') return declaration;
  const target = definitions[ref.replace(/^#\/definitions\//, '')] ?? {};
  const own = { ...declaration };
  delete own.$ref;
  return { ...resolveRef(target, definitions), ...own };
}

/** A string that satisfies the declaration's length limits: resource names in AVM are 1–90 characters. */
function plausibleString(declaration: Declaration, hint: string): string {
  const min = typeof declaration.minLength === 'number' ? declaration.minLength : 3;
  const max = typeof declaration.maxLength === 'number' ? declaration.maxLength : 24;
  const base = /id$/i.test(hint)
    ? `${AVM_CONTEXT.resourceGroup.id}/providers/Microsoft.Resources/example/${hint}`
    : `avm${hint.replace(/[^a-z0-9]/gi, '').toLowerCase()}`;
  const padded = base.length < min ? base + '0'.repeat(min - base.length) : base;
  return padded.slice(0, Math.max(min, Math.min(max, padded.length)));
}

/** A minimal value of a declared type; undefined when the declaration needs none (nullable or defaulted). */
export function minimalValue(
  declaration: Declaration,
  definitions: Record<string, Declaration>,
  hint: string
): unknown {
  const resolved = resolveRef(declaration, definitions);
  if (Array.isArray(resolved.allowedValues) && resolved.allowedValues.length > 0) {
    const first = resolved.allowedValues[0];
    return String(resolved.type).toLowerCase() === 'array' ? [first] : first;
  }
  switch (String(resolved.type).toLowerCase()) {
    case 'string':
    case 'securestring':
      return plausibleString(resolved, hint);
    case 'int':
      return typeof resolved.minValue === 'number' ? resolved.minValue : 1;
    case 'bool':
      return false;
    case 'array':
      return typeof resolved.minLength === 'number' && resolved.minLength > 0
        ? Array.from({ length: resolved.minLength }, (_, i) =>
            minimalValue((resolved.items as Declaration) ?? { type: 'string' }, definitions, `${hint}${i}`)
          )
        : [];
    case 'object':
    case 'secureobject':
      return minimalObject(resolved, definitions);
    default:
      return plausibleString(resolved, hint);
  }
}

function minimalObject(declaration: Declaration, definitions: Record<string, Declaration>): unknown {
  const discriminator = declaration.discriminator as
    { propertyName: string; mapping: Record<string, Declaration> } | undefined;
  if (discriminator) {
    const [tag, variant] = Object.entries(discriminator.mapping)[0]!;
    const body = minimalObject(resolveRef(variant, definitions), definitions) as Record<string, unknown>;
    return { ...body, [discriminator.propertyName]: tag };
  }
  const value: Record<string, unknown> = {};
  const properties = (declaration.properties ?? {}) as Record<string, Declaration>;
  for (const [name, property] of Object.entries(properties)) {
    if (property.nullable === true || property.defaultValue !== undefined) continue;
    value[name] = minimalValue(property, definitions, name);
  }
  return value;
}

/** AVM's description convention: "Conditional." parameters are required when another parameter is set. */
function isConditional(declaration: Declaration): boolean {
  const description = (declaration.metadata as { description?: unknown } | undefined)?.description;
  return typeof description === 'string' && description.startsWith('Conditional.');
}

/**
 * Values for the parameters ARM requires: no default and not nullable — and the "Conditional." ones, since
 * the defaults of the parameters they depend on may well enable them (ARM would refuse a null there).
 */
export function minimalParameters(templateJson: Record<string, unknown>): Record<string, unknown> {
  const definitions = (templateJson.definitions ?? {}) as Record<string, Declaration>;
  const declared = (templateJson.parameters ?? {}) as Record<string, Declaration>;
  const values: Record<string, unknown> = {};
  for (const [name, declaration] of Object.entries(declared)) {
    if (declaration.defaultValue !== undefined) continue;
    if (resolveRef(declaration, definitions).nullable === true && !isConditional(declaration)) continue;
    values[name] = minimalValue(declaration, definitions, name);
  }
  return values;
}

/** The action's offline check of one compiled module, with generated parameters, key-vault-policy preserve. */
export function checkModule(text: string, file: string): string[] {
  const template = loadTemplate(text, file);
  const infra: InfraConfig = {
    templateFile: { displayPath: file, absolutePath: file, text },
    template,
    inlineParameters: minimalParameters(template.json as Record<string, unknown>),
    deploymentName: AVM_CONTEXT.deploymentName,
    mode: 'Incremental',
    keyVaultPolicy: 'preserve',
    deletedVault: 'fail',
    whatIf: false,
    dryRun: true
  };
  return offlineProblems(infra, AVM_CONTEXT).map(describeProblem);
}

/** Every `main.json` below a folder (a bicep-registry-modules checkout's avm/res, or the fixture folder). */
export function moduleFiles(root: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('main.json')) found.push(join(entry.parentPath, entry.name));
  }
  return found.sort();
}

/** One module's verdict: its deployment scope and what the offline check refuses. */
export interface ModuleResult {
  file: string;
  scope: DeploymentScope;
  problems: string[];
}

/** Checks each module; a module that throws counts as refused too (the action would fail the same way). */
export function checkCorpus(files: string[], root: string): ModuleResult[] {
  return files.map(path => {
    const file = path.slice(root.length + 1);
    const text = readFileSync(path, 'utf8');
    let scope: DeploymentScope = 'resourceGroup';
    try {
      scope = deploymentScopeOf(JSON.parse(text) as Record<string, unknown>);
      return { file, scope, problems: checkModule(text, file) };
    } catch (error) {
      return { file, scope, problems: [(error as Error).message] };
    }
  });
}
