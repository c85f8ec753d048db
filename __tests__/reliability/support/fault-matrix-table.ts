/**
 * The fault matrix as text, one row per call class and one column per fault, each cell the outcome recorded
 * under `<class> × <fault>` (`—` when the cell did not run): printed at the end of a fault-matrix file.
 */
export function faultMatrixTable(
  classes: readonly { name: string }[],
  faults: readonly { name: string }[],
  outcomes: ReadonlyMap<string, string>
): string {
  const width = Math.max(...classes.map(c => c.name.length));
  return [
    `${''.padEnd(width)} | ${faults.map(f => f.name).join(' | ')}`,
    ...classes.map(
      c =>
        `${c.name.padEnd(width)} | ${faults.map(f => (outcomes.get(`${c.name} × ${f.name}`) ?? '—').padEnd(f.name.length)).join(' | ')}`
    )
  ].join('\n');
}
