/**
 * `npm run emulator`: starts the local Azure stand-in, prints one JSON line with its facts, and runs until
 * SIGINT, SIGTERM or SIGHUP, or until the process that started it is gone. Options: `--port <n>` or EMULATOR_PORT; `--no-blob` or EMULATOR_BLOB=0 skips Azurite.
 */
import { stopOnSignals } from './shutdown.js';
import { startAzureStandIn } from './stand-in.js';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const port = Number(option('port') ?? process.env.EMULATOR_PORT ?? 0);
const blob = !process.argv.includes('--no-blob') && process.env.EMULATOR_BLOB !== '0';
const emulator = await startAzureStandIn({ port, blob });
process.stdout.write(JSON.stringify(emulator.facts) + '\n');

stopOnSignals(() => emulator.stop());
