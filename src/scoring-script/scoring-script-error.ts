/**
 * The user's scoring script failed on the runner (preflight or `target: local`): an import error, init() or
 * run() raising, a missing function. Like a configuration error it is the user's to fix, in their repository;
 * unlike one it was found by running their code, and the finding it comes with points at the line.
 */
export class ScoringScriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScoringScriptError';
  }
}
