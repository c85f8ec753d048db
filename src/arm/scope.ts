import type { ArmValue } from './values.js';

/** The resource group a deployment targets; `location` may be unknown for cross-group nested deployments. */
export interface ResourceGroupContext {
  name: string;
  location?: string;
  id?: string;
  tags?: Record<string, string>;
}

/** Where a deployment runs; everything resourceGroup(), subscription(), deployment() … return. */
export interface DeploymentContext {
  subscriptionId: string;
  tenantId: string;
  resourceGroup: ResourceGroupContext;
  deploymentName: string;
  /**
   * Where a subscription, management-group or tenant deployment's metadata is stored (`az deployment sub
   * create --location`): what `deployment().location` returns at those scopes.
   */
  deploymentLocation?: string;
  /** Overrides parts of environment() (defaults to the public AzureCloud). */
  environment?: Record<string, unknown>;
}

/** Everything an expression can see while it is evaluated. */
export interface EvaluationScope {
  context: DeploymentContext;
  parameters: Record<string, ArmValue>;
  /** Looks a variable up (variables are evaluated lazily, on first use). */
  variable(name: string): ArmValue;
  /** Known variable names, for error messages. */
  variableNames(): string[];
  /** Current copy indices by loop name; '' holds the innermost (unnamed copyIndex()) loop. */
  copyIndices: ReadonlyMap<string, number>;
  /** Lambda parameters in scope (filter/map/…). */
  lambdaVariables?: ReadonlyMap<string, ArmValue>;
  /** The template being evaluated, for deployment(). */
  template?: Record<string, unknown>;
}

/** A scope with fixed values: handy for tests and for evaluating single expressions. */
export function simpleScope(
  context: DeploymentContext,
  parameters: Record<string, ArmValue> = {},
  variables: Record<string, ArmValue> = {}
): EvaluationScope {
  return {
    context,
    parameters,
    variable: name => {
      if (!(name in variables)) throw new Error(`The variable '${name}' is not defined`);
      return variables[name]!;
    },
    variableNames: () => Object.keys(variables),
    copyIndices: new Map()
  };
}

/** A child scope with extra copy indices (used by copy loops). */
export function withCopyIndex(scope: EvaluationScope, loopName: string, index: number): EvaluationScope {
  const copyIndices = new Map(scope.copyIndices);
  copyIndices.set(loopName, index);
  copyIndices.set('', index);
  return { ...scope, copyIndices };
}
