import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { marked } from 'marked';
import { repositoryLinks } from '../src/report/publish-report.js';
import { renderPullRequestComment } from '../src/report/pull-request-report.js';
import { renderSummary } from '../src/report/summary-markdown.js';
import { failedModelRun, imageBuildFinding } from './sample-runs.js';

/**
 * Renders a job summary the way GitHub shows it, near enough to judge it by eye: GitHub-flavoured markdown
 * (tables, `<details>`, code blocks) in a page with GitHub's fonts, widths and table styling.
 */
export function renderSummaryPage(markdown: string, title: string, kind = 'job summary'): string {
  const body = marked.parse(markdown, { gfm: true, async: false });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
  body { font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
         font-size: 14px; line-height: 1.5; color: #1f2328; background: #fff; max-width: 980px; margin: 24px auto; padding: 0 24px; }
  .frame { border: 1px solid #d1d9e0; border-radius: 6px; padding: 16px 24px; }
  .frame-title { font-weight: 600; margin: 0 0 12px; color: #59636e; }
  h2 { border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; font-size: 1.5em; }
  h3 { font-size: 1.25em; }
  table { border-collapse: collapse; margin: 12px 0; display: block; overflow: auto; }
  th, td { border: 1px solid #d1d9e0; padding: 6px 13px; text-align: left; vertical-align: top; }
  tr:nth-child(2n) { background: #f6f8fa; }
  th { font-weight: 600; }
  code { background: #eff1f3; border-radius: 6px; padding: .2em .4em; font-size: 85%;
         font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, monospace; }
  pre { background: #f6f8fa; border-radius: 6px; padding: 16px; overflow: auto; }
  pre code { background: none; padding: 0; }
  details { margin: 8px 0; } summary { cursor: pointer; font-weight: 600; }
</style></head>
<body><div class="frame"><p class="frame-title">${escapeHtml(title)} — ${escapeHtml(kind)}</p>
${body}
</div></body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Pages for the report parts no demo scene shows: a model deployment that failed with findings (its job summary
 * and its PR comment), and a summary over GitHub's 1 MiB limit, as the action cuts it. Built from the same
 * code the action runs (src/report/), from a recorded-like failed run (harness/sample-runs.ts).
 */
export function writeSamplePages(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const links = repositoryLinks({
    name: 'pull_request',
    owner: 'octo-org',
    repo: 'ml-repo',
    sha: 'abcdef0123456789abcdef0123456789abcdef01',
    pullRequest: 7,
    serverUrl: 'https://github.com',
    runUrl: 'https://github.com/octo-org/ml-repo/actions/runs/4242'
  });
  const failed = failedModelRun();
  const subject = { label: 'linear-ep', key: 'endpoint=linear-ep;deployment=deploy/deployment.yml' };
  const huge = failedModelRun();
  huge.findings.add(imageBuildFinding(40_000));
  const pages: [string, string, string][] = [
    [
      'sample-failed-summary',
      'A failed model deployment with findings',
      renderSummary(failed.report, failed.results, failed.findings, { links })
    ],
    [
      'sample-failed-comment',
      'The same run',
      renderPullRequestComment({ ...failed, subject, links, sha: 'abcdef0123456789abcdef0123456789abcdef01' })
    ],
    [
      'sample-over-budget',
      'A summary over 1 MiB, as the action cuts it',
      renderSummary(huge.report, huge.results, huge.findings, { links })
    ]
  ];
  return pages.map(([name, title, markdown]) => {
    writeFileSync(join(dir, `${name}.md`), markdown);
    const kind = name.includes('comment') ? 'pull-request comment' : 'job summary';
    writeFileSync(join(dir, `${name}.html`), renderSummaryPage(markdown, title, kind));
    return join(dir, `${name}.html`);
  });
}

// `tsx harness/render-summary.ts <dir>`: writes the sample pages (scripts/render-summaries.sh --samples).
// `tsx harness/render-summary.ts --page <file.md>…`: a page beside each markdown file (a summary kept by a test).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [first, ...rest] = process.argv.slice(2);
  if (first === '--page') {
    for (const file of rest) {
      const page = file.replace(/\.md$/, '') + '.html';
      const kind = file.includes('comment') ? 'pull-request comment' : 'job summary';
      writeFileSync(page, renderSummaryPage(readFileSync(file, 'utf8'), basename(file), kind));
      console.log(page);
    }
  } else {
    for (const page of writeSamplePages(first ?? '.demo/samples')) console.log(page);
  }
}
