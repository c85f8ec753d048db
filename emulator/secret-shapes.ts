import { DEV_ACCOUNT } from './blob/azurite.js';

/**
 * The shapes of the secrets the stand-in hands out, so that a test harness can look for them in everything an
 * action run shows (log, summary, outputs) — across every test, whatever the test is about. Endpoint keys carry
 * a prefix for that reason; real ones are 32 characters of the same alphabet.
 */
export const ENDPOINT_KEY_PREFIX = 'emuKey';
export const AML_TOKEN_PREFIX = 'emu-aml-token.';

const SHAPES: ReadonlyArray<readonly [string, RegExp]> = [
  ['an online endpoint key (listKeys)', new RegExp(`${ENDPOINT_KEY_PREFIX}[A-Za-z0-9]{20,}`)],
  [
    'an online endpoint token (getToken)',
    new RegExp(`${AML_TOKEN_PREFIX.replace('.', '\\.')}[A-Za-z0-9_-]{16,}`)
  ],
  [
    'a JSON Web Token (Entra access token or GitHub ID token)',
    /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/
  ],
  ['the storage account key (datastore listSecrets)', new RegExp(DEV_ACCOUNT.key.replace(/[+/=]/g, '\\$&'))]
];

/** What kinds of stand-in secret `text` contains (empty when none). */
export function standInSecretsIn(text: string): string[] {
  return SHAPES.filter(([, shape]) => shape.test(text)).map(([kind]) => kind);
}
