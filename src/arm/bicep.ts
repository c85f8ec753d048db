import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { childProcessTools, type ToolRunner } from '../contract/tool-runner.js';
import { TemplateFileError } from './errors.js';

/** The command that compiles Bicep to ARM JSON on stdout. */
export interface BicepCommand {
  command: string;
  args: string[];
}

async function onPath(name: string, pathVariable: string): Promise<string | undefined> {
  const extensions = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of pathVariable.split(delimiter).filter(Boolean)) {
    for (const ext of extensions) {
      const candidate = join(dir, name + ext);
      try {
        await access(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not in this directory
      }
    }
  }
  return undefined;
}

/** Picks `bicep build --stdout FILE`, else `az bicep build --stdout --file FILE`, from PATH. */
export async function findBicepCommand(file: string, pathVariable: string): Promise<BicepCommand> {
  const bicep = await onPath('bicep', pathVariable);
  if (bicep) return { command: bicep, args: ['build', '--stdout', file] };
  const az = await onPath('az', pathVariable);
  if (az) return { command: az, args: ['bicep', 'build', '--stdout', '--file', file] };
  throw new TemplateFileError(
    `${file} is a Bicep file, but neither 'bicep' nor 'az' was found on PATH. Install the Bicep CLI ` +
      '(https://aka.ms/bicep-install) or the Azure CLI (then `az bicep install`), or pass the compiled ARM JSON.'
  );
}

/** Compiles a .bicep file to ARM JSON text with the Bicep CLI found on PATH, run by `tools`. */
export async function compileBicep(
  file: string,
  pathVariable: string,
  tools: ToolRunner = childProcessTools
): Promise<string> {
  const { command, args } = await findBicepCommand(file, pathVariable);
  const { exitCode, stdout, stderr } = await tools.run(command, args, `Compile ${file} (Bicep)`);
  if (exitCode !== 0)
    throw new TemplateFileError(
      `${command} ${args.join(' ')} failed: ${stderr.trim() || `exit code ${exitCode}`}`
    );
  return stdout;
}
