import { watchAncestors } from './ancestry.js';

/**
 * Stops the stand-in once on SIGINT, SIGTERM or SIGHUP, or when the process that started it is gone, then
 * exits: 0 when everything stopped, 1 when stopping failed.
 */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      error => {
        process.stderr.write(`Emulator stop failed: ${(error as Error).message}\n`);
        process.exit(1);
      }
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGHUP', shutdown);
  process.on('SIGTERM', shutdown);
  watchAncestors(shutdown);
}
