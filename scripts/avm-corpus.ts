import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCorpus, moduleFiles } from '../harness/avm-corpus.js';

/**
 * `npm run avm-corpus [folder]`: runs the action's offline template check over every compiled AVM module
 * (`main.json`) below the folder — by default the copy in __tests__/fixtures/avm, or pass a checkout's
 * avm/res — and prints how many resource-group modules it refuses (each one a false refusal: ARM deploys
 * them) and how many wider-scope modules it refuses as not supported yet.
 */
const root = resolve(
  process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '__tests__', 'fixtures', 'avm')
);
const results = checkCorpus(moduleFiles(root), root);
const groupModules = results.filter(r => r.scope === 'resourceGroup');
const refused = groupModules.filter(r => r.problems.length > 0);
for (const { file, problems } of refused) {
  console.log(`REFUSED ${file}`);
  for (const problem of problems.slice(0, 5)) console.log(`  ${problem}`);
  if (problems.length > 5) console.log(`  … and ${problems.length - 5} more`);
}
const wider = results.filter(r => r.scope !== 'resourceGroup');
const scopes = wider.map(r => `${r.file} (${r.scope})`).join(', ');
console.log(`${refused.length} of ${groupModules.length} resource-group modules refused offline (${root})`);
if (wider.length > 0)
  console.log(
    `${wider.length} subscription/management-group/tenant modules: scope not supported yet: ${scopes}`
  );
process.exitCode = refused.length > 0 ? 1 : 0;
