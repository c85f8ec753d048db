/**
 * `npm run emulator`: starts the local Azure stand-in, prints one JSON line with its facts, and runs until
 * SIGINT, SIGTERM or SIGHUP, or until the process that started it is gone. Options: `--port <n>` or EMULATOR_PORT; `--no-blob` or EMULATOR_BLOB=0 skips Azurite;
 * `--latency azure` (EMULATOR_LATENCY=azure) turns on the realistic latency profile, scaled by `--latency-scale`
 * (EMULATOR_LATENCY_SCALE, e.g. `1/60`, the default).
 */
import { watchAncestors } from './ancestry.js';
import { parseLatencyScale } from './latency-profile.js';
import { startAzureStandIn } from './stand-in.js';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const port = Number(option('port') ?? process.env.EMULATOR_PORT ?? 0);
const blob = !process.argv.includes('--no-blob') && process.env.EMULATOR_BLOB !== '0';
const latencyName = option('latency') ?? process.env.EMULATOR_LATENCY;
if (latencyName !== undefined && latencyName !== 'azure') {
  process.stderr.write(`Unknown latency profile '${latencyName}': the only one is 'azure'.\n`);
  process.exit(2);
}
const scaleText = option('latency-scale') ?? process.env.EMULATOR_LATENCY_SCALE;
const latency = latencyName
  ? { profile: 'azure' as const, scale: scaleText === undefined ? undefined : parseLatencyScale(scaleText) }
  : undefined;
const emulator = await startAzureStandIn({ port, blob, latency });
process.stdout.write(JSON.stringify(emulator.facts) + '\n');

let stopping = false;
const shutdown = (): void => {
  if (stopping) return;
  stopping = true;
  emulator.stop().then(
    () => process.exit(0),
    error => {
      process.stderr.write(`Emulator stop failed: ${(error as Error).message}\n`);
      process.exit(1);
    }
  );
};
process.on('SIGINT', shutdown);
process.on('SIGHUP', shutdown);
watchAncestors(shutdown);
process.on('SIGTERM', shutdown);
