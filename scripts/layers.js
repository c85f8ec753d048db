/**
 * The folders of src/, lowest first. A file may import from its own folder and from folders listed before
 * it, never from one listed after it: data flows inputs → config → plan → stages → report, and the
 * building blocks each of those uses sit below it. Read by eslint.config.js (no-restricted-imports) and by
 * scripts/check-import-graph.ts (which also refuses import cycles between files).
 */
export const LAYERS = [
  'contract', // inputs and outputs as code: action.yml in TypeScript; imports nothing
  'run', // what every stage shares: Stage, errors, log, findings, redaction, deadline
  'action', // the only user of @actions/*: the runner port and the GitHub API
  'arm', // the template language: parser, evaluator, functions, walker (no Azure calls)
  'config', // typed configuration from inputs and files; config/azml reads az ml v2 YAML
  'azure', // credentials, client factory, Azure error facts, retries
  'keyvault', // the Key Vault guard: read → decide → rewrite → verify
  'scoring-script', // Python tracebacks, init()/run() failure shapes
  'infra', // the infra stage: validate, what-if, guard, deploy, verify, outputs
  'diagnose', // the failure catalogue and its entries
  'ml', // model, environment, code, endpoint, deployment (+ crash-loop watch), traffic
  'health', // the health gate and capacity advice
  'local', // the local target and preflight
  'stages', // plan and run the stages, sign-in, resource group, diagnosis of a failed stage
  'report' // job summary, annotations, PR comment, check run, outputs
];
