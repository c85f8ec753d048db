/** Where a workflow command annotation points. */
export interface AnnotationTarget {
  title?: string;
  file?: string;
  startLine?: number;
  startColumn?: number;
}

/**
 * The log as the code below `src/action/` sees it: plain calls, no `@actions/core`, so everything is
 * testable with a recording fake. The action implements it with workflow commands.
 */
export interface Log {
  info(message: string): void;
  debug(message: string): void;
  warning(message: string, target?: AnnotationTarget): void;
  error(message: string, target?: AnnotationTarget): void;
  /** Registers a value to be masked in every later log line (`::add-mask::`). */
  mask(secret: string): void;
}
