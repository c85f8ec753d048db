import { readFileSync } from 'node:fs';

function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so parse after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Calls `onOrphaned` once any of the first `depth` ancestors of this process has gone. `npm run emulator`
 * runs us as npm → sh → tsx → node; a SIGTERM to npm kills npm and sh but is never relayed to us, so without
 * this watch the emulator (and its Azurite) would live on as orphans. Linux only (/proc); elsewhere the
 * direct parent is watched.
 */
export function watchAncestors(onOrphaned: () => void, depth = 3, intervalMs = 500): () => void {
  const ancestors: number[] = [];
  let pid: number | undefined = process.ppid;
  while (pid !== undefined && pid > 1 && ancestors.length < depth) {
    ancestors.push(pid);
    pid = parentOf(pid);
  }
  const timer = setInterval(() => {
    if (ancestors.some(ancestor => !alive(ancestor))) {
      clearInterval(timer);
      onOrphaned();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
