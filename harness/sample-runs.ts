import { Findings, RANK, type Finding } from '../src/run/finding.js';
import type { StageResults } from '../src/stages/run-context.js';
import { RunReport } from '../src/stages/run-report.js';

/** A traceback as the stand-in's inference server logs it for a broken init(). */
export const TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "/var/azureml-server/aml_blueprint.py", line 91, in setup',
  '    main.init()',
  '  File "/var/azureml-app/src/score.py", line 5, in init',
  '    open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "linear.json"))',
  "FileNotFoundError: [Errno 2] No such file or directory: '/var/azureml-app/azureml-models/linear-model/1/linear.json'"
].join('\n');

/**
 * A model deployment that failed in its deployment stage with two findings: the root cause in score.py (with
 * the traceback) and the model directory listing as a consequence.
 */
export function failedModelRun(evidenceText = TRACEBACK): {
  report: RunReport;
  results: StageResults;
  findings: Findings;
} {
  const report = new RunReport('44265ccb-43da-4214-b51c-60672b5cfc70', 0);
  const stages: [string, string, number, string][] = [
    ['sign-in', 'Sign in', 31, 'signed in with GitHub OIDC federation'],
    ['resource-group', 'Resource group', 13, "'rg-ml' exists in westeurope; left unchanged"],
    ['model', 'Model', 210, 'reused linear-model:1 (same content, nothing uploaded)'],
    ['environment', 'Environment', 9, 'reused linear-ep-env:1 (same content)'],
    ['code', 'Code', 320, 'registered linear-ep-code:2 (1.4 KiB uploaded)'],
    ['endpoint', 'Endpoint', 8, "'linear-ep' exists (Succeeded); left unchanged"]
  ];
  for (const [name, title, durationMs, outcome] of stages)
    report.record({ name: name as never, title, status: 'succeeded', durationMs, outcome });
  const message = [
    "Online deployment 'linear-5f4c1a4f' on endpoint 'linear-ep' failed: ResourceNotReady: User container has crashed or terminated. Check the container log.",
    'Traffic was not moved (traffic stays linear-2b1bec02 100%).',
    'Correlation id: 44265ccb-43da-4214-b51c-60672b5cfc70 (quote it to Azure support).'
  ].join('\n');
  report.failure = { kind: 'azure', stage: 'deployment', message, code: 'ResourceNotReady' };
  report.record({
    name: 'deployment',
    title: 'Deployment',
    status: 'failed',
    durationMs: 4100,
    outcome: message.split('\n')[0]!
  });
  report.record({ name: 'traffic', title: 'Traffic', status: 'not run', durationMs: 0, outcome: '' });
  const findings = new Findings();
  findings.add({
    id: 'user-script-init-failed',
    stage: 'deployment',
    severity: 'error',
    title: 'Scoring script failed',
    cause:
      "The scoring script failed: FileNotFoundError: No such file or directory: 'linear.json' (src/score.py line 5, in init).",
    fix: 'Open the model file under AZUREML_MODEL_DIR/model/, where Azure mounts a model registered from a folder.',
    evidence: [{ title: 'init() traceback (InferenceServer log)', text: evidenceText }],
    location: { file: 'src/score.py', line: 5 },
    rank: RANK.rootCauseAtLine
  });
  findings.add({
    id: 'model-directory',
    stage: 'deployment',
    severity: 'warning',
    title: 'The model directory does not contain the file score.py opened',
    cause: 'AZUREML_MODEL_DIR contains model/linear.json; the script opened linear.json.',
    fix: "Use os.path.join(os.environ['AZUREML_MODEL_DIR'], 'model', 'linear.json').",
    evidence: [{ title: 'Model directory listing', text: 'model/\nmodel/linear.json' }],
    rank: RANK.consequence
  });
  const results: StageResults = {
    ml: {
      workspace: 'ws-ml',
      endpointName: 'linear-ep',
      deployment: { name: 'linear-5f4c1a4f', action: 'created', provisioningState: 'Failed' },
      endpoint: {
        kind: 'managed',
        created: false,
        scoringUri: 'https://linear-ep.westeurope.inference.ml.azure.com/score'
      }
    }
  };
  return { report, results, findings };
}

/** An image build failure whose log has `lines` lines before the failing pip step: a summary over budget. */
export function imageBuildFinding(lines: number): Finding {
  const log = Array.from(
    { length: lines },
    (_, i) => `#${i} pip: Collecting package-${i} (${'x'.repeat(48)})`
  );
  return {
    id: 'image-build-failure',
    stage: 'deployment',
    severity: 'error',
    title: 'Image build failed',
    cause: 'The environment image did not build: pip could not install torch==9.9 from env/conda.yml.',
    fix: 'Pin a torch version that exists (pip index versions torch), then run again.',
    evidence: [
      {
        title: 'Image build log (workspace storage)',
        text: `${log.join('\n')}\nERROR: Could not find a version that satisfies the requirement torch==9.9\nERROR: No matching distribution found for torch==9.9`
      }
    ],
    location: { file: 'env/conda.yml', line: 9 },
    rank: RANK.rootCauseAtLine
  };
}
