import { marked } from 'marked';

/**
 * Renders a job summary the way GitHub shows it, near enough to judge it by eye: GitHub-flavoured markdown
 * (tables, `<details>`, code blocks) in a page with GitHub's fonts, widths and table styling.
 */
export function renderSummaryPage(markdown: string, title: string): string {
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
<body><div class="frame"><p class="frame-title">${escapeHtml(title)} — job summary</p>
${body}
</div></body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
