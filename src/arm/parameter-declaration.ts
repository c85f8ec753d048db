import type { ParameterDefinition, TemplateJson } from './template-file.js';

/**
 * languageVersion 2.0 lets a parameter (or a property of a type) declare its type as `$ref` to an entry of
 * the template's `definitions`, with no `type` of its own; the referring declaration's own keys (nullable,
 * metadata, defaultValue) apply on top of the definition's. A reference the engine cannot follow resolves to
 * a declaration without `type`, which the checks accept as it is: ARM's validation decides.
 */
export function resolveDeclaration(
  declaration: ParameterDefinition,
  template: TemplateJson,
  seen: ReadonlySet<string> = new Set()
): ParameterDefinition {
  const ref = (declaration as { $ref?: unknown }).$ref;
  if (typeof ref !== 'string') return declaration;
  const own: ParameterDefinition = { ...declaration };
  delete own.$ref;
  const name = /^#\/definitions\/(.+)$/.exec(ref)?.[1];
  const definitions = (template as { definitions?: Record<string, ParameterDefinition> }).definitions;
  const target = name === undefined || seen.has(name) ? undefined : definitions?.[name];
  if (!target) return own as ParameterDefinition;
  return { ...resolveDeclaration(target, template, new Set([...seen, name!])), ...own };
}

/** `nullable: true` (on the parameter or on the type it refers to): ARM gives it null when no value is passed. */
export function isNullable(declaration: ParameterDefinition): boolean {
  return (declaration as { nullable?: unknown }).nullable === true;
}
