/** `…/providers/Microsoft.KeyVault/vaults/kv/accessPolicies/add` → type `Microsoft.KeyVault/vaults/accessPolicies`, name `kv/add`. */
export function splitResourceId(id: string): { resourceType: string; name: string } {
  const marker = id.toLowerCase().lastIndexOf('/providers/');
  if (marker < 0) return { resourceType: '', name: id };
  const parts = id.slice(marker + '/providers/'.length).split('/');
  const namespace = parts[0] ?? '';
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 1; i + 1 < parts.length; i += 2) {
    types.push(parts[i]!);
    names.push(parts[i + 1]!);
  }
  return { resourceType: [namespace, ...types].join('/'), name: names.join('/') };
}
