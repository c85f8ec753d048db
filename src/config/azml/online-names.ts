/**
 * Azure's rule for online endpoint and deployment names: 3–32 characters, letters, digits and hyphens,
 * starting with a letter and not ending with a hyphen. (Endpoint names are also part of the scoring URI's
 * host name, hence the DNS-like rule.) Returns a problem message or undefined.
 */
export function checkOnlineName(what: 'endpoint' | 'deployment', name: string): string | undefined {
  if (/^[A-Za-z][A-Za-z0-9-]{1,30}[A-Za-z0-9]$/.test(name)) return undefined;
  return (
    `'${name}' is not a valid ${what} name: use 3 to 32 letters, digits and hyphens, starting with a ` +
    'letter and not ending with a hyphen.'
  );
}
