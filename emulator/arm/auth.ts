import type { IncomingHttpHeaders } from 'node:http';
import { armError, type HttpResult } from '../http-result.js';
import { verifyJwt, type JwtClaims, type SigningKey } from '../identity/jwt.js';

/** What ARM needs to check a bearer token. */
export interface ArmAuthSettings {
  tokenKey: SigningKey;
  /** The ARM endpoint origin; tokens must be for it, with or without a trailing slash. */
  audience: string;
  /** `authorization_uri` for the challenge: the tenant's authority. */
  authorizationUri: string;
}

function challenge(settings: ArmAuthSettings, result: HttpResult, description: string): HttpResult {
  // ARM answers every 401 with a Bearer challenge naming the authority, which clients use to re-authenticate.
  const header = `Bearer authorization_uri="${settings.authorizationUri}", error="invalid_token", error_description="${description}"`;
  return { ...result, headers: { ...result.headers, 'www-authenticate': header } };
}

function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Checks the `Authorization: Bearer` header of an ARM request: signed by the emulator's token endpoint, not
 * expired, for the ARM audience. Returns the token's claims, or the 401 ARM would send.
 */
export function authenticateArm(
  headers: IncomingHttpHeaders,
  settings: ArmAuthSettings
): { claims: JwtClaims } | { failure: HttpResult } {
  const header = headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match) {
    return {
      failure: challenge(
        settings,
        armError(
          401,
          'AuthenticationFailed',
          "Authentication failed. The 'Authorization' header is missing."
        ),
        "The authentication failed because of missing 'Authorization' header."
      )
    };
  }
  const verified = verifyJwt(settings.tokenKey, match[1]);
  if (!verified.ok && verified.problem === 'expired' && typeof verified.claims?.exp === 'number') {
    const message =
      `The access token expiry UTC time '${isoSeconds(verified.claims.exp)}' is earlier than current UTC time ` +
      `'${isoSeconds(Date.now() / 1000)}'.`;
    return {
      failure: challenge(
        settings,
        armError(401, 'ExpiredAuthenticationToken', message),
        'The access token expired.'
      )
    };
  }
  if (!verified.ok) {
    return {
      failure: challenge(
        settings,
        armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.'),
        'The access token is invalid.'
      )
    };
  }
  const audiences = ([] as unknown[]).concat(verified.claims.aud);
  const accepted = [settings.audience.replace(/\/$/, ''), settings.audience.replace(/\/$/, '') + '/'];
  if (!audiences.some(aud => typeof aud === 'string' && accepted.includes(aud))) {
    const message =
      `The access token has been obtained for wrong audience or resource '${String(audiences[0])}'. It should ` +
      `exactly match with one of the allowed audiences '${accepted.join("','")}'.`;
    return {
      failure: challenge(
        settings,
        armError(401, 'InvalidAuthenticationTokenAudience', message),
        'The access token has the wrong audience.'
      )
    };
  }
  return { claims: verified.claims };
}
