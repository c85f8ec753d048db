import { afterAll, it } from '@jest/globals';

/** One conformance step: what was checked against Azure's documented behaviour, and how it went. */
interface StepOutcome {
  name: string;
  passed: boolean;
  detail: string;
}

/**
 * Registers each step as a jest test and prints a compact pass/fail table after the file, so a run shows at a
 * glance which documented behaviours the stand-in meets. A failing step stays a failing test; a step may
 * return a note (e.g. optional properties it did not find) that the table shows beside a pass.
 */
export function stepTable(
  title: string
): (name: string, body: () => Promise<string | undefined | void>, timeoutMs?: number) => void {
  const outcomes: StepOutcome[] = [];
  afterAll(() => {
    const width = Math.max(...outcomes.map(outcome => outcome.name.length), 4);
    const lines = outcomes.map(
      outcome =>
        `${outcome.passed ? 'pass' : 'FAIL'}  ${outcome.name.padEnd(width)}${outcome.detail ? `  ${outcome.detail}` : ''}`
    );
    const passed = outcomes.filter(outcome => outcome.passed).length;
    process.stdout.write(`\n${title}: ${passed}/${outcomes.length} steps passed\n${lines.join('\n')}\n`);
  });
  return (name, body, timeoutMs) => {
    it(
      name,
      async () => {
        try {
          const note = await body();
          outcomes.push({ name, passed: true, detail: typeof note === 'string' ? note.slice(0, 160) : '' });
        } catch (error) {
          const firstLine =
            ((error as Error).message ?? String(error)).split('\n').find(line => line.trim()) ?? '';
          outcomes.push({ name, passed: false, detail: firstLine.trim().slice(0, 160) });
          throw error;
        }
      },
      timeoutMs
    );
  };
}
