import type { SourceLocation } from './errors.js';
import type { JsonDocument, JsonPath } from './json-document.js';
import type { ParameterProblem } from './parameters.js';
import type { EvaluationScope } from './scope.js';
import type { Unknown } from './unknown.js';
import type { TemplateJson } from './template-file.js';
import type { ArmValue } from './values.js';

/** Where a resource will be deployed (differs from the top-level deployment inside cross-scope nested deployments). */
export interface DeploymentTarget {
  subscriptionId: string;
  resourceGroup: string | Unknown;
}

/** One resource declaration instance (one per copy-loop iteration) found by walkTemplate. */
export interface WalkedResource {
  /** Full name (`vault/secret` for children), or Unknown with the reason it cannot be known. */
  name: ArmValue;
  /** Full type (`Microsoft.KeyVault/vaults/secrets` for children). */
  type: string;
  /** false when the resource (or an enclosing parent or deployment) is skipped by its condition. */
  condition: boolean | Unknown;
  apiVersion: string | undefined;
  location: ArmValue | undefined;
  dependsOn: ArmValue[];
  /** Path of the declaration inside the top-level template file. */
  jsonPath: JsonPath;
  source: SourceLocation;
  /** The declaration as written (expressions unevaluated). */
  raw: Record<string, unknown>;
  /** `existing: true` (languageVersion 2.0): referenced, not deployed. */
  existing: boolean;
  /** The resource-level copy loop and index of this instance (`mode` serial/parallel, `batchSize` as written). */
  copy?: { name: string; index: number; mode: string; batchSize?: unknown };
  /** Names of the nested deployments around this resource, outermost first. */
  deployments: ArmValue[];
  target: DeploymentTarget;
  /** The scope its expressions are evaluated in (to evaluate more of `raw` later). */
  scope: EvaluationScope;
  /** Evaluates `properties` on demand; values only known after deployment are Unknown inside it. */
  properties(): ArmValue;
  /** Evaluation errors in this declaration (bad expression, missing parameter, …). */
  errors: string[];
}

/** A resource whose content cannot be inspected before deployment (e.g. a linked template). */
export interface NotInspectable {
  name: ArmValue;
  type: string;
  jsonPath: JsonPath;
  source: SourceLocation;
  reason: string;
}

/** Everything walkTemplate found. */
export interface WalkResult {
  resources: WalkedResource[];
  notInspectable: NotInspectable[];
  /** Parameter problems of nested inner-scope deployments. */
  problems: ParameterProblem[];
}

/** Mutable state shared by one walk. */
export interface WalkState extends WalkResult {
  document: JsonDocument;
}

/** What a declaration inherits from where it sits: parent resource, condition, nested deployments. */
export interface Enclosing {
  parent?: { name: ArmValue; type: string };
  condition: boolean | Unknown;
  deployments: ArmValue[];
  target: DeploymentTarget;
}

/** Walks the resources of one template body; nested-deployment.ts is handed the walker's own. */
export type WalkResources = (
  json: TemplateJson,
  basePath: JsonPath,
  scope: EvaluationScope,
  enclosing: Enclosing,
  state: WalkState
) => void;
