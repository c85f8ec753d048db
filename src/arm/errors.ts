/** Where something sits in a template or parameters file. */
export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** Formats a location as `file:line:column`, the form editors and GitHub annotations understand. */
export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/** A template expression that cannot be parsed or evaluated; carries the expression and the 0-based position. */
export class TemplateExpressionError extends Error {
  readonly expression: string;
  readonly position: number;

  constructor(message: string, expression: string, position: number) {
    super(`${message} at position ${position} in '${expression}'`);
    this.name = 'TemplateExpressionError';
    this.expression = expression;
    this.position = position;
  }
}

/** A template or parameters file that is not valid (JSON syntax, structure); the user must fix the file. */
export class TemplateFileError extends Error {
  readonly location: SourceLocation | undefined;

  constructor(message: string, location?: SourceLocation) {
    super(location ? `${formatLocation(location)}: ${message}` : message);
    this.name = 'TemplateFileError';
    this.location = location;
  }
}
