import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** A process the demo started, directly or through a child (Azurite, the Python inference servers). */
export interface StartedProcess {
  pid: number;
  command: string;
}

/** `pid (comm) state ppid …`; comm may hold spaces and parentheses, so split at the last `)`. */
function readStat(pid: number): { command: string; state: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const [state, ppid] = stat.slice(close + 2).split(' ');
    return { command: stat.slice(stat.indexOf('(') + 1, close), state: state!, ppid: Number(ppid) };
  } catch {
    return undefined; // gone between listing and reading
  }
}

/** Every live descendant of `root`, read from /proc (Linux); empty where /proc is not there. */
export function descendantsOf(root: number = process.pid): StartedProcess[] {
  if (!existsSync('/proc/self/stat')) return [];
  const parents = new Map<number, number>();
  const commands = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat || stat.state === 'Z') continue;
    parents.set(Number(entry), stat.ppid);
    commands.set(Number(entry), stat.command);
  }
  const found: StartedProcess[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [pid, ppid] of parents) {
      if (ppid !== parent) continue;
      found.push({ pid, command: commands.get(pid)! });
      queue.push(pid);
    }
  }
  return found;
}

/**
 * Those of `started` still alive after waiting up to `graceMs` (a stopped server may take a moment to exit).
 * A pid reused by an unrelated process would be counted too; within a few seconds that is not a concern.
 */
export async function stillRunning(started: StartedProcess[], graceMs = 3000): Promise<StartedProcess[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const alive = started.filter(p => {
      const stat = readStat(p.pid);
      return stat !== undefined && stat.state !== 'Z';
    });
    if (alive.length === 0 || Date.now() >= deadline) return alive;
    await sleep(100);
  }
}

/** "azurite, python3 ×2" */
export function describeProcesses(processes: StartedProcess[]): string {
  const counts = new Map<string, number>();
  for (const p of processes) counts.set(p.command, (counts.get(p.command) ?? 0) + 1);
  return [...counts].map(([command, n]) => (n > 1 ? `${command} ×${n}` : command)).join(', ') || 'none';
}
