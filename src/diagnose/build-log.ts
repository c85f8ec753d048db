/**
 * Azure ML image build logs: where Azure says the log is, and what in it failed. The ImageBuildFailure
 * message names the workspace storage account and the blob path
 * ("…available in the workspace blob store 'st…' under the path '/azureml/ImageLogs/<id>/build.log'").
 */

/** Where a build log lives: storage account, container, blob name. */
export interface BuildLogLocation {
  account: string;
  container: string;
  blob: string;
}

/** Reads the build log's location out of an ImageBuildFailure message. */
export function buildLogLocation(message: string): BuildLogLocation | undefined {
  const match =
    /blob store '([^']+)' under the path '\/?([^'/]+)\/([^']+)'/i.exec(message) ??
    /storage account '([^']+)'.*?path '\/?([^'/]+)\/([^']+)'/i.exec(message);
  if (!match) return undefined;
  return { account: match[1]!, container: match[2]!, blob: match[3]! };
}

/** Lines of a build log that mark the failure: conda's and pip's errors, Docker's non-zero exit. */
export const BUILD_FAILURE_LINE =
  /PackagesNotFoundError|ResolvePackageNotFound|CondaValueError|CondaEnvException|ERROR: (Could not find|No matching distribution)|ERROR: Failed building|returned a non-zero code|UnsatisfiableError|LibMambaUnsatisfiableError|Pip failed/;

/** What the build log says failed. */
export interface BuildFailure {
  /** The Dockerfile step that failed (`Step 3/7 : RUN conda env create …`). */
  step?: string;
  /** `conda`, `pip` or `docker`. */
  tool: 'conda' | 'pip' | 'docker';
  /** Packages the channels or index do not have, as written in the conda file. */
  packages: string[];
  /** The first error line. */
  errorLine?: string;
}

/** Finds the failing step and the packages conda or pip could not find. */
export function buildFailure(log: string): BuildFailure {
  const lines = log.split(/\r?\n/);
  const firstError = lines.findIndex(line => BUILD_FAILURE_LINE.test(line));
  const step = [...lines.slice(0, firstError < 0 ? lines.length : firstError)]
    .reverse()
    .find(line => /^Step \d+\/\d+ : /.test(line));
  const packages: string[] = [];
  for (const match of log.matchAll(/No matching distribution found for (\S+)/g)) packages.push(match[1]!);
  const notFound = lines.findIndex(line => /PackagesNotFoundError|ResolvePackageNotFound/.test(line));
  if (notFound >= 0) {
    for (const line of lines.slice(notFound + 1)) {
      const item = /^\s+-\s+(\S+)\s*$/.exec(line);
      if (item) packages.push(item[1]!);
      else if (packages.length > 0 && line.trim() !== '') break;
    }
  }
  const pip = /Pip (subprocess error|failed)|No matching distribution/i.test(log);
  const conda = notFound >= 0 || /CondaValueError|Unsatisfiable/i.test(log);
  return {
    ...(step ? { step } : {}),
    tool: pip ? 'pip' : conda ? 'conda' : 'docker',
    packages: [...new Set(packages)],
    ...(firstError >= 0 ? { errorLine: lines[firstError]!.trim() } : {})
  };
}

/** The line of the conda file that names `pkg` (`- numpy=1.26`, `- nosuchpkg==1.0` under pip). */
export function lineOfPackage(condaText: string, pkg: string): number | undefined {
  const name = pkg.split(/[=<>!~\s[;]/)[0]!.toLowerCase();
  const lines = condaText.split(/\r?\n/);
  const index = lines.findIndex(line => {
    const item = /^\s*-\s*["']?([^"'\s#]+)/.exec(line);
    return item !== null && item[1]!.split(/[=<>!~[;]/)[0]!.toLowerCase() === name;
  });
  return index < 0 ? undefined : index + 1;
}
