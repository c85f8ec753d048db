// Runs Azurite's blob service inside a process that exits as soon as its parent does: the parent holds our
// stdin pipe, so the pipe closing (even when the parent is SIGKILLed) means nobody will ever stop us.
// Azurite's own CLI has no such guard, and an orphaned Azurite keeps its port and memory.
import { createRequire } from 'node:module';

process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();

const require = createRequire(import.meta.url);
// Azurite's main reads its flags from process.argv, which already holds what the parent passed.
require(require.resolve('azurite/dist/src/blob/main.js'));
