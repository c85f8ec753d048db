import type { RegisteredAsset } from '../ml-specs.js';

/**
 * Parses a reference to a registered asset as `az ml` writes it: `azureml:name:version`,
 * `azureml:name@label` (e.g. `@latest`) or a full id `azureml:/subscriptions/…/versions/3`.
 * Returns undefined when `text` is not an `azureml:` reference (then it is a local path), and a problem
 * message when it is one but malformed.
 */
export function parseAssetReference(text: string): { asset?: RegisteredAsset; problem?: string } | undefined {
  if (!/^azureml:/i.test(text)) return undefined;
  const rest = text.slice('azureml:'.length);
  if (rest.startsWith('/')) {
    const versioned = /\/([^/]+)\/versions\/([^/]+)$/i.exec(rest);
    return versioned
      ? { asset: { kind: 'registered', reference: text, name: versioned[1]!, version: versioned[2]! } }
      : { asset: { kind: 'registered', reference: text } };
  }
  const labelled = /^([A-Za-z0-9][A-Za-z0-9_.-]*)@([A-Za-z0-9_.-]+)$/.exec(rest);
  if (labelled) {
    return { asset: { kind: 'registered', reference: text, name: labelled[1]!, label: labelled[2]! } };
  }
  const versioned = /^([A-Za-z0-9][A-Za-z0-9_.-]*):([A-Za-z0-9_.-]+)$/.exec(rest);
  if (versioned) {
    return { asset: { kind: 'registered', reference: text, name: versioned[1]!, version: versioned[2]! } };
  }
  return {
    problem: `'${text}' is not an asset reference: expected 'azureml:<name>:<version>' or 'azureml:<name>@latest'.`
  };
}
