import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadParametersFile, loadTemplate, type ParametersFile, type Template } from '../../src/arm/index.js';

/** The fixed context every corpus test deploys into. */
export const CORPUS_CONTEXT = {
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  tenantId: '11111111-1111-1111-1111-111111111111',
  resourceGroup: { name: 'my-rg', location: 'westeurope' },
  deploymentName: 'azuredeploy'
};

// jest's ESM runtime has import.meta.url but not import.meta.dirname.
export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'arm');
export const CORPUS_DIR = join(FIXTURES_DIR, 'keyvault-corpus');

/** Upstream CI placeholders → fixed values: GEN-UNIQUE-N is 'ci' followed by digits, N characters long. */
export function replacePlaceholders(text: string): string {
  return text
    .replace(/GEN-UNIQUE-(\d+)/g, (_, n: string) => 'ci123456789012345678'.slice(0, Number(n)))
    .replace(/GEN-UNIQUE/g, 'ci1234')
    .replace(/GEN-KEYVAULT-NAME/g, 'kvci1234')
    .replace(/GEN-GUID/g, '22222222-2222-2222-2222-222222222222')
    .replace(/GEN-PASSWORD/g, 'Fixed-Passw0rd-For-Tests')
    .replace(/GEN-[A-Z0-9-]+/g, 'gen-value');
}

/** Template files of the corpus (not parameters files). */
export function corpusTemplates(): string[] {
  return readdirSync(CORPUS_DIR).filter(f => f.endsWith('.json') && !f.endsWith('.parameters.json'));
}

/** Loads a corpus template and, if INDEX.tsv says it has one, its parameters file with placeholders replaced. */
export function loadCorpus(file: string): { template: Template; parameters?: ParametersFile } {
  const template = loadTemplate(readFileSync(join(CORPUS_DIR, file), 'utf8'), file);
  if (file.endsWith('.main.json')) return { template };
  const parametersName = file.replace(/\.json$/, '.parameters.json');
  const path = join(CORPUS_DIR, parametersName);
  if (!existsSync(path)) return { template };
  return {
    template,
    parameters: loadParametersFile(replacePlaceholders(readFileSync(path, 'utf8')), parametersName)
  };
}

interface Vector {
  args: string[];
  expected: string;
}

/** The uniqueString/guid known answers (see the provenance line inside the fixture). */
export const vectors = JSON.parse(readFileSync(join(FIXTURES_DIR, 'unique-string-vectors.json'), 'utf8')) as {
  published: Vector[];
  tailLengths: (Vector & { tailBytes: number })[];
  corpusInputs: Vector[];
  guid: Vector[];
};
