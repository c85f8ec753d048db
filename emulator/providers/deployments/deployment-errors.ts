import type { SourceLocation } from '../../../src/arm/errors.js';
import type { ParameterProblem } from '../../../src/arm/parameters.js';
import { armError, type ArmErrorDetail, type HttpResult } from '../../http-result.js';

/** A deployment that cannot start: the error ARM answers the PUT (or validate, what-if) with. */
export class DeploymentRejected extends Error {
  constructor(
    readonly status: number,
    readonly detail: ArmErrorDetail
  ) {
    super(detail.message);
  }

  /** The HTTP answer. */
  result(): HttpResult {
    const answer = armError(this.status, this.detail.code, this.detail.message, this.detail.details);
    if (this.detail.additionalInfo)
      (answer.body as { error: ArmErrorDetail }).error.additionalInfo = this.detail.additionalInfo;
    return answer;
  }

  /** Fills the `path` of a TemplateViolation from the text the line and column refer to. */
  locatedIn(pathAt: (line: number, column: number) => string): this {
    for (const entry of this.detail.additionalInfo ?? []) {
      const info = entry.info as TemplateViolation;
      if (entry.type === 'TemplateViolation') info.path = pathAt(info.lineNumber, info.linePosition);
    }
    return this;
  }
}

/** Where in the request body a template problem sits, as ARM reports it in `additionalInfo`. */
export interface TemplateViolation {
  lineNumber: number;
  linePosition: number;
  /** JSON path in the request body, e.g. `properties.template.resources[0]`. */
  path: string;
}

/** ARM's `additionalInfo` entry for a template problem at `location` (path filled in by `locatedIn`). */
export function templateViolation(location: SourceLocation): { type: string; info: TemplateViolation } {
  return {
    type: 'TemplateViolation',
    info: { lineNumber: location.line, linePosition: location.column, path: 'properties.template' }
  };
}

const at = (location: SourceLocation) => `at line '${location.line}' and column '${location.column}'`;

function invalidTemplate(detail: string, location?: SourceLocation): DeploymentRejected {
  return new DeploymentRejected(400, {
    code: 'InvalidTemplate',
    message: `Deployment template validation failed: '${detail}'.`,
    ...(location ? { additionalInfo: [templateViolation(location)] } : {})
  });
}

// The template engine's own wording of a file problem, and ARM's (Newtonsoft.Json's) for the same thing.
const FILE_PROBLEMS: [RegExp, (location: SourceLocation) => string][] = [
  [
    /needs a 'resources' section/,
    l =>
      `Required property 'resources' not found in JSON. Path 'properties.template', line ${l.line}, position ${l.column}.`
  ],
  [
    /must be a JSON object/,
    l =>
      `Unexpected JSON token: the value must be an object. Path 'properties.template', line ${l.line}, position ${l.column}.`
  ],
  [
    /invalid JSON/,
    l => `Unexpected character encountered while parsing value. Line ${l.line}, position ${l.column}.`
  ]
];

/** ARM's wording for a parameter problem found by the template engine. */
function parameterMessage(problem: ParameterProblem): string {
  const where = at(problem.location);
  switch (problem.kind) {
    case 'missing':
      return (
        `The value for the template parameter '${problem.parameter}' ${where} is not provided. ` +
        'Please see https://aka.ms/resource-manager-parameter-files for usage details.'
      );
    case 'allowed-values':
      return (
        `The provided value for the template parameter '${problem.parameter}' ${where} is not valid. ` +
        `The parameter value is not part of the allowed value(s): ${problem.message.replace(/^.*allowed: /, '')}.`
      );
    case 'type':
      return (
        `Template parameter JToken type is not valid for the template parameter '${problem.parameter}' ${where}: ` +
        `${problem.message}. Please see https://aka.ms/resource-manager-parameter-files for usage details.`
      );
    default:
      return `The template parameter '${problem.parameter}' ${where} is not valid: ${problem.message}.`;
  }
}

/**
 * ARM's wording for an expression problem found by the template engine: no engine positions
 * (`at position 3 in '[…]'`), ARM's phrases for unknown functions, properties, parameters and variables.
 */
export function armExpressionMessage(message: string): string {
  return message
    .replace(/ at position \d+ in '(?:[^']|'')*'/g, '')
    .replace(/Unknown function '([^']+)'/, "The template function '$1' is not valid")
    .replace(
      /Property '([^']+)' doesn't exist \(has: ([^)]*)\)/,
      "The language expression property '$1' doesn't exist, available properties are '$2'"
    )
    .replace(
      /Cannot access \[([^\]]*)\] on (\w+)/,
      "The language expression property '$1' can't be evaluated on a value of type '$2'"
    )
    .replace(
      /the parameter '([^']+)' is not defined \(known:[^)]*\)/i,
      "The template parameter '$1' is not found"
    )
    .replace(
      /the variable '([^']+)' is not defined(?: \(known:[^)]*\))?/i,
      "The template variable '$1' is not found"
    );
}

/** The errors a deployment request can be rejected with before anything runs. */
export const deploymentErrors = {
  invalidTemplate,

  templateFile(problem: string, location: SourceLocation | undefined): DeploymentRejected {
    const known = location && FILE_PROBLEMS.find(([pattern]) => pattern.test(problem));
    if (!known || !location) return invalidTemplate('The template is not valid JSON.');
    return invalidTemplate(known[1](location), location);
  },

  parameters(problems: ParameterProblem[], declared: string[]): DeploymentRejected {
    const extra = problems.filter(p => p.kind === 'unknown-parameter').map(p => p.parameter);
    if (extra.length > 0) {
      return invalidTemplate(
        `The template parameters '${extra.join(', ')}' in the parameters file are not valid; they are not ` +
          'present in the original template and can therefore not be provided at deployment time. The only ' +
          `supported parameters for this template are '${declared.join(', ')}'. Please see ` +
          'https://aka.ms/arm-pass-parameter-values for usage details.'
      );
    }
    return invalidTemplate(parameterMessage(problems[0]!), problems[0]!.location);
  },

  resource(name: string, location: SourceLocation, problem: string): DeploymentRejected {
    return invalidTemplate(
      `The template resource '${name}' ${at(location)} is not valid: ${armExpressionMessage(problem)}. ` +
        'Please see https://aka.ms/arm-functions for usage details.',
      location
    );
  },

  notDefined(reference: string): DeploymentRejected {
    return invalidTemplate(
      `The resource '${reference}' is not defined in the template. Please see https://aka.ms/arm-syntax for usage details.`
    );
  },

  circular(ids: string[]): DeploymentRejected {
    return invalidTemplate(
      `Circular dependency detected on resource: '${ids.join("', '")}'. Please see ` +
        'https://aka.ms/arm-syntax-resources for usage details.'
    );
  },

  linkedTemplate(deploymentName: string, trackingId: string): DeploymentRejected {
    return new DeploymentRejected(400, {
      code: 'InvalidTemplateDeployment',
      message:
        `The template deployment '${deploymentName}' is not valid according to the validation procedure. ` +
        `The tracking id is '${trackingId}'. See inner errors for details.`,
      details: [
        {
          code: 'LinkedTemplateNotSupported',
          message:
            'The local Azure stand-in cannot fetch linked templates (templateLink); send the template inline.'
        }
      ]
    });
  },

  badRequest(message: string): DeploymentRejected {
    return new DeploymentRejected(400, {
      code: 'InvalidRequestContent',
      message: `The request content was invalid and could not be deserialized: '${message}'.`
    });
  }
};

/** 404 for a deployment that does not exist. */
export function deploymentNotFound(name: string): HttpResult {
  return armError(404, 'DeploymentNotFound', `Deployment '${name}' could not be found.`);
}

/** 409 for a write to a deployment that is still running (ARM's `DeploymentActive`). */
export function deploymentActive(name: string, startedAt: string): HttpResult {
  const started = new Date(startedAt);
  const expires = new Date(started.getTime() + 7 * 24 * 3600 * 1000);
  return armError(
    409,
    'DeploymentActive',
    `Unable to edit or replace deployment '${name}': previous deployment from '${started.toISOString()}' is ` +
      `still active (expiration time is '${expires.toISOString()}'). Please see https://aka.ms/arm-deploy for usage details.`
  );
}

/** The error a failed deployment carries: ARM's summary with each failed operation's error as a detail. */
export function deploymentFailed(deploymentId: string, details: ArmErrorDetail[]): ArmErrorDetail {
  return {
    code: 'DeploymentFailed',
    target: deploymentId,
    message:
      'At least one resource deployment operation failed. Please list deployment operations for details. ' +
      'Please see https://aka.ms/arm-deployment-operations for usage details.',
    details
  };
}
