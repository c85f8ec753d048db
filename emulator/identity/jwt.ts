import {
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  randomUUID,
  type KeyObject
} from 'node:crypto';

/** A key that signs RS256 JWTs, with the `kid` published in its JWKS. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Claims of a JWT as the emulator reads them. */
export type JwtClaims = Record<string, unknown> & { exp?: number; nbf?: number; aud?: string | string[] };

/** Builds a signing key from PEM. */
export function signingKeyFromPem(privateKeyPem: string): SigningKey {
  const privateKey = createPrivateKey(privateKeyPem);
  return { kid: randomUUID(), privateKey, publicKey: createPublicKey(privateKey) };
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

/** Signs `claims` as a compact RS256 JWT. */
export function signJwt(key: SigningKey, claims: JwtClaims): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid }));
  const payload = base64url(JSON.stringify(claims));
  const signer = createSign('RSA-SHA256');
  signer.update(`${header}.${payload}`);
  return `${header}.${payload}.${signer.sign(key.privateKey).toString('base64url')}`;
}

/** Why a token was refused; callers map it to the service's own error. */
export type JwtProblem = 'malformed' | 'signature' | 'expired' | 'notYetValid';

/** The outcome of verifying a JWT. */
export type JwtVerification =
  { ok: true; claims: JwtClaims } | { ok: false; problem: JwtProblem; claims?: JwtClaims };

/**
 * Verifies an RS256 JWT's signature with `key` and its time window. Audience and issuer are the caller's
 * business, because each service words those errors differently.
 */
export function verifyJwt(key: SigningKey, token: string, nowSeconds = Date.now() / 1000): JwtVerification {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, problem: 'malformed' };
  let claims: JwtClaims;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as { alg?: string };
    if (header.alg !== 'RS256') return { ok: false, problem: 'malformed' };
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as JwtClaims;
  } catch {
    return { ok: false, problem: 'malformed' };
  }
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${parts[0]}.${parts[1]}`);
  if (!verifier.verify(key.publicKey, Buffer.from(parts[2], 'base64url'))) {
    return { ok: false, problem: 'signature', claims };
  }
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds)
    return { ok: false, problem: 'expired', claims };
  if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds + 300) {
    return { ok: false, problem: 'notYetValid', claims };
  }
  return { ok: true, claims };
}

/** The public half of `key` as a JSON Web Key, for the jwks_uri documents. */
export function publicJwk(key: SigningKey): Record<string, unknown> {
  return { ...key.publicKey.export({ format: 'jwk' }), kid: key.kid, use: 'sig', alg: 'RS256' };
}
