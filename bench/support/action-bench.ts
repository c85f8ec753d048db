import type { ChildProcess } from 'node:child_process';
import type { Emulator } from '../../emulator/index.js';
import { runAction, type ActionRun } from '../../harness/run-action.js';

/**
 * What the benchmarks that run the real action share: dist/index.js as the runner starts it, pointed at the
 * local stand-in through its inputs and environment (OIDC sign-in, the stand-in's CA), plus small statistics.
 */
export function runAgainst(
  emulator: Emulator,
  workspace: string,
  inputs: Record<string, string>,
  onStart?: (child: ChildProcess) => void
): Promise<ActionRun> {
  const facts = emulator.facts;
  return runAction({
    inputs: {
      'subscription-id': facts.subscriptionId,
      'tenant-id': facts.tenantId,
      'client-id': facts.clientId,
      'arm-endpoint': facts.armEndpoint,
      'authority-host': facts.authorityHost,
      ...inputs
    },
    env: {
      NODE_EXTRA_CA_CERTS: facts.caCertPath,
      ACTIONS_ID_TOKEN_REQUEST_URL: facts.idTokenRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: facts.idTokenRequestToken
    },
    workspace,
    killAfterMs: 300_000,
    ...(onStart ? { onStart } : {})
  });
}

/** Fails the benchmark with what the run said, so a broken pipeline is never timed as a fast one. */
export function assertSucceeded(label: string, run: ActionRun): void {
  if (run.exitCode === 0 && run.outputs.status === 'succeeded') return;
  console.error(`${label} did not succeed (exit ${run.exitCode}):\n${run.visibleLog}\n${run.stderr}`);
  process.exit(1);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A plain-text table with aligned columns; the first row is the header. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map(row => row[column]!.length)));
  const line = (row: string[]): string => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  return [line(rows[0]!), widths.map(w => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** Prints the verdict line of one target and returns whether it was met. */
export function verdict(label: string, met: boolean, figure: string, target: string): boolean {
  console.log(`${met ? 'PASS' : 'MISS'}  ${label}: ${figure} (target ${target})`);
  return met;
}
