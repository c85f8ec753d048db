import type { InfraResult } from '../infra/infra-result.js';

const MAX_CHANGE_ROWS = 60;

/** The infra part of the job summary: Key Vaults first, then what-if, then failed resources. */
export function renderInfraSummary(infra: InfraResult): string[] {
  const lines: string[] = [
    `### Infrastructure: \`${infra.templateFile}\`${infra.dryRun ? ' (dry run: nothing written)' : ''}`,
    ''
  ];
  if (infra.unchanged)
    lines.push(
      `Template deployment \`${infra.deploymentName}\` was not sent again: its last successful run deployed the same template and parameters, and what-if found nothing to change. Nothing was written.`,
      ''
    );
  if (infra.vaults.length > 0) {
    lines.push(
      '#### Key Vaults',
      '',
      '| Vault | Found | Action | Policies before | Kept | Restored | What happened |',
      '| --- | --- | --- | --- | --- | --- | --- |'
    );
    for (const vault of infra.vaults) {
      lines.push(
        `| \`${vault.name}\` | ${vault.stateFound} | ${vault.action} | ${vault.policiesBefore} | ${vault.policiesKept ?? '–'} | ${vault.policiesRestored} | ${cell(vault.explanation)} |`
      );
    }
    lines.push('');
  }
  if (infra.changes) {
    const counts = Object.entries(infra.changes.counts)
      .map(([type, count]) => `${count} ${type}`)
      .join(' · ');
    lines.push('#### What-if', '', counts || 'No resources.', '');
    // Ignored resources are noise, except a Key Vault: "Ignore" is how a vault the guard did not rewrite shows.
    const rows = infra.changes.rows.filter(
      row =>
        row.changeType !== 'Ignore' || row.resourceType.toLowerCase().startsWith('microsoft.keyvault/vaults')
    );
    if (rows.length > 0) {
      lines.push('| Change | Type | Name | Changed properties |', '| --- | --- | --- | --- |');
      for (const row of rows.slice(0, MAX_CHANGE_ROWS)) {
        lines.push(
          `| ${row.changeType} | ${row.resourceType} | \`${row.name}\` | ${cell(row.changedPaths.join(', '))} |`
        );
      }
      if (rows.length > MAX_CHANGE_ROWS)
        lines.push('', `_${rows.length - MAX_CHANGE_ROWS} more rows not shown._`);
      lines.push('');
    }
  }
  if (infra.failedResources.length > 0) {
    lines.push('#### Failed resources', '', '| Resource | Error | Where |', '| --- | --- | --- |');
    for (const failed of infra.failedResources) {
      const where = failed.file ? `\`${failed.file}:${failed.line}\`` : '';
      lines.push(
        `| ${failed.resourceType} \`${failed.resourceName}\` | **${failed.code}**: ${cell(failed.message)} | ${where} |`
      );
    }
    lines.push('');
  }
  const outputs = Object.keys(infra.outputs);
  if (outputs.length > 0)
    lines.push(
      `Template outputs (step outputs of the same name): ${outputs.map(o => `\`${o}\``).join(', ')}`,
      ''
    );
  return lines;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
