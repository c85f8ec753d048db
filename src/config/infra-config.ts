import {
  compileBicep,
  loadParametersFile,
  loadTemplate,
  resolveDeclaration,
  TemplateFileError,
  type ParametersFile,
  type Template
} from '../arm/index.js';
import type { InputName, RawInputs } from '../contract/inputs.js';
import type { ConfigurationProblem } from '../run/errors.js';
import { defaultDeploymentName, DEPLOYMENT_NAME_PATTERN } from './deployment-name.js';
import { parseBoolean, parseChoice } from './choices.js';
import { caseInsensitiveRepeats, parseParametersInput, typeInlineValue } from './parameters-input.js';
import type { RunnerContext } from '../contract/runner-context.js';
import { readWorkspaceFile, type WorkspaceFile } from './workspace-files.js';

/** The infra stage's configuration: the template, its parameters, and how Key Vaults are treated. */
/** What the guard does with an existing vault's access policies (`key-vault-policy`). */
export type KeyVaultPolicyMode = 'preserve' | 'skip-existing' | 'off';
/** What the guard does when a vault's name is held by a soft-deleted vault (`deleted-vault`). */
export type DeletedVaultMode = 'fail' | 'recover';

export interface InfraConfig {
  templateFile: WorkspaceFile;
  template: Template;
  parametersFile?: ParametersFile;
  /** Inline `name=value` overrides, typed by the template's declarations. */
  inlineParameters: Record<string, unknown>;
  deploymentName: string;
  mode: 'Incremental' | 'Complete';
  keyVaultPolicy: KeyVaultPolicyMode;
  deletedVault: DeletedVaultMode;
  whatIf: boolean;
  dryRun: boolean;
}

type Report = (problem: ConfigurationProblem) => void;

/** Reads and checks everything the infra stage needs; undefined when no template was given. */
export async function loadInfraConfig(
  inputs: RawInputs,
  runner: RunnerContext,
  report: Report
): Promise<InfraConfig | undefined> {
  const modes = parseModes(inputs, report);
  if (!inputs.template) {
    if (inputs.parameters)
      report({
        input: 'parameters',
        message: "is set but 'template' is empty.",
        fix: 'Name the template the parameters are for.'
      });
    return undefined;
  }
  const templateFile = readInput(runner, 'template', inputs.template, report);
  if (!templateFile) return undefined;
  const template = await parseTemplate(templateFile, runner, report);

  const parametersInput = parseParametersInput(inputs.parameters);
  parametersInput.problems.forEach(report);
  if (parametersInput.value.files.length > 1) {
    report({
      input: 'parameters',
      message: `names ${parametersInput.value.files.length} parameter files; one is supported.`,
      fix: 'Merge them, or pass the extra values as name=value lines.'
    });
  }
  let parametersFile: ParametersFile | undefined;
  const parametersPath = parametersInput.value.files[0];
  if (parametersPath) {
    const file = readInput(runner, 'parameters', parametersPath, report);
    if (file) parametersFile = parseFile(() => loadParametersFile(file.text, file.displayPath), report);
    if (file && parametersFile) {
      for (const { name, first } of caseInsensitiveRepeats(Object.keys(parametersFile.parameters))) {
        report({
          input: 'parameters',
          file: file.displayPath,
          message: `sets parameter '${name}' a second time (also as '${first}'; parameter names are case-insensitive).`,
          fix: 'Keep one entry per parameter.'
        });
      }
    }
  }
  if (!template) return undefined;

  const inlineParameters: Record<string, unknown> = {};
  const declared = template.json.parameters ?? {};
  for (const [name, { text, line }] of parametersInput.value.inline) {
    const declaredName = Object.keys(declared).find(key => key.toLowerCase() === name.toLowerCase());
    if (!declaredName) {
      report({
        input: 'parameters',
        message: `line ${line} sets '${name}', which ${templateFile.displayPath} does not declare.`,
        fix: `Declared parameters: ${Object.keys(declared).join(', ') || 'none'}.`
      });
      continue;
    }
    const typed = typeInlineValue(text, resolveDeclaration(declared[declaredName]!, template.json).type);
    if (typed.problem)
      report({ input: 'parameters', message: `line ${line}, parameter '${name}': ${typed.problem}` });
    else inlineParameters[declaredName] = typed.value;
  }

  const deploymentName =
    inputs['template-deployment-name'] || defaultDeploymentName(runner, templateFile.displayPath);
  if (!DEPLOYMENT_NAME_PATTERN.test(deploymentName)) {
    report({
      input: 'template-deployment-name',
      message: `'${deploymentName}' is not a valid deployment name: 1–64 letters, digits, '-', '_', '.', '(' or ')'.`
    });
  }
  if (!modes) return undefined;
  return {
    templateFile,
    template,
    ...(parametersFile ? { parametersFile } : {}),
    inlineParameters,
    deploymentName,
    ...modes
  };
}

function parseModes(inputs: RawInputs, report: Report) {
  const mode = parseChoice('deployment-mode', inputs['deployment-mode'], [
    'Incremental',
    'Complete'
  ] as const);
  const keyVaultPolicy = parseChoice('key-vault-policy', inputs['key-vault-policy'], [
    'preserve',
    'skip-existing',
    'off'
  ] as const);
  const deletedVault = parseChoice('deleted-vault', inputs['deleted-vault'], ['fail', 'recover'] as const);
  const whatIf = parseBoolean('what-if', inputs['what-if']);
  const dryRun = parseBoolean('dry-run', inputs['dry-run']);
  const parsed = [mode, keyVaultPolicy, deletedVault, whatIf, dryRun];
  parsed.forEach(p => p.problem && report(p.problem));
  if (parsed.some(p => p.problem)) return undefined;
  if (mode.value === 'Complete' && keyVaultPolicy.value === 'skip-existing') {
    // Complete mode deletes what a deployment leaves out, and skip-existing leaves existing vaults out.
    report({
      input: 'key-vault-policy',
      message:
        "'skip-existing' cannot be combined with 'deployment-mode: Complete': Complete mode deletes the vaults it skips.",
      fix: "Use 'preserve' (the default), or Incremental mode."
    });
    return undefined;
  }
  return {
    mode: mode.value!,
    keyVaultPolicy: keyVaultPolicy.value!,
    deletedVault: deletedVault.value!,
    whatIf: whatIf.value!,
    dryRun: dryRun.value!
  };
}

function readInput(
  runner: RunnerContext,
  input: InputName,
  path: string,
  report: Report
): WorkspaceFile | undefined {
  const { file, problem } = readWorkspaceFile(runner.workspace, input, path);
  if (problem) report(problem);
  return file;
}

async function parseTemplate(
  file: WorkspaceFile,
  runner: RunnerContext,
  report: Report
): Promise<Template | undefined> {
  if (!/\.bicep$/i.test(file.displayPath))
    return parseFile(() => loadTemplate(file.text, file.displayPath), report);
  try {
    const compiled = await compileBicep(file.absolutePath, runner.path, runner.tools);
    return parseFile(() => loadTemplate(compiled, file.displayPath), report);
  } catch (error) {
    report({ input: 'template', file: file.displayPath, message: (error as Error).message });
    return undefined;
  }
}

/** Runs a parse, turning a file error into a problem that points at the file and line. */
function parseFile<T>(parse: () => T, report: Report): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof TemplateFileError)) throw error;
    const location = error.location;
    report({
      ...(location ? { file: location.file, line: location.line, column: location.column } : {}),
      message: location ? error.message.slice(error.message.indexOf(': ') + 2) : error.message
    });
    return undefined;
  }
}
