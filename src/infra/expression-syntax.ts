import {
  isExpressionString,
  parseExpression,
  TemplateExpressionError,
  type JsonPath,
  type Template
} from '../arm/index.js';
import type { ConfigurationProblem } from '../run/errors.js';

/**
 * Every template expression that does not parse, with its file and line: refused before any request, rather
 * than left for ARM's validation to report against the minified template it receives.
 */
export function expressionSyntaxProblems(template: Template): ConfigurationProblem[] {
  const problems: ConfigurationProblem[] = [];
  visit(template.json, [], (text, path) => {
    try {
      parseExpression(text);
    } catch (error) {
      if (!(error instanceof TemplateExpressionError)) throw error;
      const location = template.document.locate(path);
      problems.push({
        file: location.file,
        line: location.line,
        column: location.column,
        message: `the expression does not parse: ${error.message}`,
        fix: 'Check the brackets, quotes (a quote inside a string is written twice) and commas.'
      });
    }
  });
  return problems;
}

function visit(value: unknown, path: JsonPath, onExpression: (text: string, path: JsonPath) => void): void {
  if (typeof value === 'string') {
    if (isExpressionString(value)) onExpression(value, path);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => visit(item, [...path, index], onExpression));
  } else if (value !== null && typeof value === 'object') {
    // Keys can be expressions too (ARM evaluates them in properties).
    for (const [key, item] of Object.entries(value)) {
      if (isExpressionString(key)) onExpression(key, [...path, key]);
      visit(item, [...path, key], onExpression);
    }
  }
}
