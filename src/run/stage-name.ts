/**
 * Names of the stages in the order a run goes through them. `configuration` and `sign-in` come first so a
 * failure there is attributed too (the `failed-stage` output).
 */
export type StageName =
  | 'configuration'
  | 'preflight'
  | 'sign-in'
  | 'resource-group'
  | 'infra'
  | 'model'
  | 'environment'
  | 'code'
  | 'endpoint'
  | 'deployment'
  | 'traffic'
  | 'local'
  | 'health';
