import type { ConfigurationProblem } from '../../run/errors.js';
import type { DeploymentSpec, EndpointSpec } from '../ml-specs.js';

/**
 * What a deployment needs once files and inputs are combined: an endpoint name, matching kinds, a model,
 * and (unless the model is MLflow, which brings its own) an environment and scoring code; managed
 * deployments need an instance type, Kubernetes endpoints a compute. Problems name the input or file field
 * that would supply the missing piece.
 */
export function checkComplete(
  endpoint: EndpointSpec,
  deployment: DeploymentSpec,
  files: { endpoint?: EndpointSpec; deployment?: DeploymentSpec },
  problems: ConfigurationProblem[],
  /** `local` (input `target`): the runner needs only a model and scoring code, no endpoint, environment or VM. */
  placement: 'azure' | 'local' = 'azure'
): void {
  const deploymentFile = files.deployment?.file;
  const missing = (input: string, field: string, what: string): void => {
    // An input already reported (a bad path) is the problem to fix; "missing" would only repeat it.
    if (problems.some(problem => problem.input === input)) return;
    const source = deploymentFile ? `${deploymentFile} sets no '${field}'` : "no 'deployment-file' is given";
    problems.push({ input, message: `is empty and ${source}: ${what}.` });
  };
  const azure = placement === 'azure';
  if (!endpoint.name && azure) {
    problems.push({
      input: 'endpoint-name',
      message: files.endpoint?.file
        ? `is empty and ${files.endpoint.file} sets no 'name'.`
        : "is empty and no 'endpoint-file' is given.",
      fix: 'Name the online endpoint.'
    });
  }
  if (endpoint.name && deployment.endpointName && deployment.endpointName !== endpoint.name) {
    problems.push({
      ...(deploymentFile ? { file: deploymentFile } : {}),
      message: `'endpoint_name' is '${deployment.endpointName}' but the endpoint is '${endpoint.name}'.`,
      fix: "Make them agree, or set the 'endpoint-name' input, which overrides both."
    });
  }
  if (deployment.kind !== endpoint.kind) {
    problems.push({
      ...(deploymentFile ? { file: deploymentFile } : {}),
      message: `describes a ${deployment.kind} deployment, but the endpoint is a ${endpoint.kind} endpoint.`,
      fix: 'Use the matching schema (managedOnline… or kubernetesOnline…) for both files.'
    });
  }
  if (endpoint.kind === 'kubernetes' && !endpoint.compute && azure) {
    problems.push({
      input: 'compute',
      message: 'is required for a Kubernetes online endpoint: name the attached compute.'
    });
  }
  if (!deployment.model) missing('model-path', 'model', 'the deployment needs a model');
  const mlflow = deployment.model?.kind === 'local' && deployment.model.type === 'mlflow_model';
  if (!mlflow && !deployment.environment && azure)
    missing('image', 'environment', 'the deployment needs an environment');
  if (!mlflow && !deployment.codeConfiguration) {
    missing('scoring-script', 'code_configuration', 'the deployment needs a scoring script');
  }
  if (endpoint.kind === 'managed' && !deployment.instanceType && azure) {
    missing('instance-type', 'instance_type', 'managed deployments need a VM size such as Standard_DS3_v2');
  }
}
