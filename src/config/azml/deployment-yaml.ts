import { readCodeConfiguration, readEnvironment, readModel } from './deployment-assets-yaml.js';
import {
  compact,
  readProbe,
  readRequestSettings,
  readResources,
  readScaleSettings
} from './deployment-settings-yaml.js';
import type { DeploymentSpec, EndpointKind } from '../ml-specs.js';
import type { YamlPaths } from './local-paths.js';
import { checkOnlineName } from './online-names.js';
import type { MappingReader } from './yaml-fields.js';

const DEPLOYMENT_FIELDS = [
  '$schema',
  'type',
  'name',
  'endpoint_name',
  'description',
  'tags',
  'model',
  'code_configuration',
  'environment',
  'environment_variables',
  'app_insights_enabled',
  'instance_type',
  'instance_count',
  'scale_settings',
  'request_settings',
  'liveness_probe',
  'readiness_probe',
  'resources',
  'egress_public_network_access'
] as const;

/** Reads the fields of an online deployment file. */
export function readDeploymentFields(
  reader: MappingReader,
  kind: EndpointKind,
  paths: YamlPaths
): DeploymentSpec {
  reader.allowOnly(DEPLOYMENT_FIELDS);
  checkTypeAgreesWithSchema(reader, kind);
  const name = checkedName(reader, 'name', 'deployment');
  const endpointName = checkedName(reader, 'endpoint_name', 'endpoint');
  const spec: DeploymentSpec = {
    kind,
    tags: reader.stringMap('tags') ?? {},
    environmentVariables: reader.stringMap('environment_variables') ?? {},
    ...compact({
      name,
      endpointName,
      description: reader.string('description'),
      model: readModel(reader, paths),
      codeConfiguration: readCodeConfiguration(reader, paths),
      environment: readEnvironment(reader, paths),
      instanceType: reader.string('instance_type'),
      instanceCount: reader.integer('instance_count', 1),
      requestSettings: readRequestSettings(reader),
      livenessProbe: readProbe(reader, 'liveness_probe'),
      readinessProbe: readProbe(reader, 'readiness_probe'),
      scaleSettings: readScaleSettings(reader, kind),
      appInsightsEnabled: reader.boolean('app_insights_enabled'),
      resources: readResources(reader, kind),
      egressPublicNetworkAccess: reader.choice('egress_public_network_access', [
        'enabled',
        'disabled'
      ] as const)
    })
  };
  return spec;
}

function checkedName(
  reader: MappingReader,
  key: string,
  what: 'endpoint' | 'deployment'
): string | undefined {
  const name = reader.string(key);
  if (name === undefined) return undefined;
  const problem = checkOnlineName(what, name);
  if (problem) reader.source.report(reader.node(key), problem);
  return problem ? undefined : name;
}

/** With a `$schema`, a `type:` field (which `az ml` also accepts) must say the same thing. */
function checkTypeAgreesWithSchema(reader: MappingReader, kind: EndpointKind): void {
  if (!reader.has('$schema') || !reader.has('type')) return;
  const type = reader.choice('type', ['managed', 'kubernetes'] as const);
  if (type !== undefined && type !== kind) {
    reader.source.report(
      reader.node('type'),
      `'type' is '${type}' but '$schema' names a ${kind} online deployment.`,
      'Make them agree, or remove type.'
    );
  }
}
