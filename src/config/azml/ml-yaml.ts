import type { ConfigurationProblem } from '../../run/errors.js';
import { readDeploymentFields } from './deployment-yaml.js';
import { readEndpointFields } from './endpoint-yaml.js';
import { yamlBaseDirectory, type YamlPaths } from './local-paths.js';
import { KNOWN_SCHEMA_NAMES, recogniseSchema, type SchemaKind } from './ml-schema.js';
import type { DeploymentSpec, EndpointKind, EndpointSpec } from '../ml-specs.js';
import { MappingReader, YamlSource } from './yaml-fields.js';

/**
 * An `az ml` YAML file already read from the workspace (src/config/workspace-files.ts `readWorkspaceFile`
 * refuses paths outside the workspace, oversize and non-UTF-8 files before this is reached).
 */
export interface MlYamlFile {
  /** Relative to the workspace, as messages show it. */
  displayPath: string;
  /** Real absolute path; the file's folder is where its relative paths start. */
  absolutePath: string;
  text: string;
}

/** The result of reading one file: a spec when it has no problem, and every problem found. */
export interface Parsed<T> {
  spec?: T;
  problems: ConfigurationProblem[];
}

/** Reads `endpoint.yml` (`$schema` managedOnlineEndpoint or kubernetesOnlineEndpoint). */
export function parseEndpointYaml(file: MlYamlFile, workspace: string): Parsed<EndpointSpec> {
  return parseMlYaml(file, workspace, 'endpoint', (reader, kind) => readEndpointFields(reader, kind));
}

/** Reads `deployment.yml` (`$schema` managedOnlineDeployment or kubernetesOnlineDeployment). */
export function parseDeploymentYaml(file: MlYamlFile, workspace: string): Parsed<DeploymentSpec> {
  return parseMlYaml(file, workspace, 'deployment', (reader, kind, paths) =>
    readDeploymentFields(reader, kind, paths)
  );
}

function parseMlYaml<T extends { file?: string }>(
  file: MlYamlFile,
  workspace: string,
  resource: SchemaKind['resource'],
  read: (reader: MappingReader, kind: EndpointKind, paths: YamlPaths) => T
): Parsed<T> {
  const source = new YamlSource(file.displayPath, file.text);
  const root = source.root();
  if (!root) return { problems: source.sortedProblems() };
  const reader = new MappingReader(source, root, '');
  const kind = readKind(reader, resource);
  const spec = read(reader, kind, { workspace, baseDirectory: yamlBaseDirectory(file.absolutePath) });
  if (source.problems.length > 0) return { problems: source.sortedProblems() };
  return { spec: { ...spec, file: file.displayPath }, problems: [] };
}

/**
 * Managed or Kubernetes, from `$schema`; without one, from `type` (deployments) or `compute` (endpoints),
 * as `az ml` decides. A schema of the other resource (a deployment schema in the endpoint file) is reported.
 */
function readKind(reader: MappingReader, resource: SchemaKind['resource']): EndpointKind {
  const schemaUrl = reader.string('$schema');
  if (schemaUrl !== undefined) {
    const schema = recogniseSchema(schemaUrl);
    const expected = KNOWN_SCHEMA_NAMES.filter(name => name.toLowerCase().endsWith(resource));
    if (!schema) {
      reader.source.report(
        reader.node('$schema'),
        `'$schema' is '${schemaUrl}', which is not an online ${resource} schema.`,
        `Use https://azuremlschemas.azureedge.net/latest/${expected.join('.schema.json or …/')}.schema.json.`
      );
    } else if (schema.resource !== resource) {
      reader.source.report(
        reader.node('$schema'),
        `'$schema' says this is an online ${schema.resource} file, but it was given as the ${resource} file.`,
        `Pass it as '${schema.resource}-file', or give a ${expected.join(' or ')} file here.`
      );
    } else {
      return schema.kind;
    }
  }
  if (resource === 'deployment') {
    const type = reader.node('type') ? reader.choice('type', ['managed', 'kubernetes'] as const) : undefined;
    return type ?? 'managed';
  }
  return reader.has('compute') ? 'kubernetes' : 'managed';
}
