/**
 * The ARM template engine: parse templates and parameters (JSON with comments, with positions), evaluate
 * template expressions (values only known after deployment become Unknown), and walk every resource.
 * Pure TypeScript: used by the action and the emulator alike. See README.md in this folder.
 */
export { compileBicep, findBicepCommand } from './bicep.js';
export { formatLocation, type SourceLocation, TemplateExpressionError, TemplateFileError } from './errors.js';
export { deploymentScopeOf, type DeploymentScope } from './deployment-scope.js';
export { evaluate } from './evaluate.js';
export { evaluateJson, evaluateString } from './evaluator.js';
export { isExpressionString, parseExpression } from './expression-parser.js';
export { guid } from './guid.js';
export type { JsonDocument, JsonPath } from './json-document.js';
export {
  type ParameterProblem,
  type ParameterSources,
  type ResolvedParameters,
  resolveParameters
} from './parameters.js';
export { isNullable, resolveDeclaration } from './parameter-declaration.js';
export { type DeploymentContext, type EvaluationScope, simpleScope } from './scope.js';
export {
  loadParametersFile,
  loadTemplate,
  type ParametersFile,
  type Template,
  type TemplateJson
} from './template-file.js';
export { uniqueString } from './unique-string.js';
export { findUnknowns, isUnknown, Unknown, unknown } from './unknown.js';
export type { ArmObject, ArmValue } from './values.js';
export { getProperty, propertyKey } from './values.js';
export type { NotInspectable, WalkedResource, WalkResult } from './walk-types.js';
export { walkTemplate, type WalkOptions } from './walker.js';
