// Checks credentials against the configured users and tokens; transport-neutral.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { TokenConfig, UserConfig } from '../config/config.ts';
import { defineError } from '../core/errors.ts';

export type Role = UserConfig['role'];

/** Who is calling. With authentication off every caller is the built-in admin. */
export interface Principal {
  username: string;
  role: Role;
}

export const ANONYMOUS_ADMIN: Principal = Object.freeze({ username: '', role: 'admin' });

export const authErrors = {
  unparsable: defineError('E_AUTH_UNPARSABLE', 'unauthorized', () => 'unable to parse authentication credentials'),
  usernameRequired: defineError('E_AUTH_USERNAME_REQUIRED', 'unauthorized', () => 'username required'),
  failed: defineError('E_AUTH_FAILED', 'unauthorized', () => 'authorization failed'),
  invalidToken: defineError('E_AUTH_INVALID_TOKEN', 'unauthorized', (why: string) => `invalid token: ${why}`),
  forbidden: defineError(
    'E_AUTH_FORBIDDEN',
    'forbidden',
    (user: string, privilege: string, path: string) =>
      `user ${user} does not have "${privilege}" privilege for API endpoint "${path}"`,
  ),
};

/** What a request presents: the Authorization header and the `u`/`p` query parameters. */
export interface Credentials {
  authorization?: string;
  queryUser?: string;
  queryPassword?: string;
}

export interface AuthenticatorOptions {
  users: readonly UserConfig[];
  tokens: readonly TokenConfig[];
  /** Shared secret for HS256/HS384/HS512 JWTs; empty disables JWTs. */
  sharedSecret: string;
  /** Seconds since the epoch, for JWT expiry. */
  nowSeconds: () => number;
}

export class Authenticator {
  readonly #users: Map<string, UserConfig>;
  readonly #tokens: Map<string, string>;
  readonly #options: AuthenticatorOptions;

  constructor(options: AuthenticatorOptions) {
    this.#options = options;
    this.#users = new Map(options.users.map((u) => [u.username, u]));
    this.#tokens = new Map(options.tokens.map((t) => [t.token, t.username]));
  }

  /** Resolves the caller or throws an `unauthorized` DomainError. */
  authenticate(credentials: Credentials): Principal {
    const header = credentials.authorization;
    if (header !== undefined && header !== '') {
      const space = header.indexOf(' ');
      const scheme = space < 0 ? header : header.slice(0, space);
      const value = space < 0 ? '' : header.slice(space + 1).trim();
      if (/^basic$/i.test(scheme)) return this.#basic(value);
      if (/^bearer$/i.test(scheme)) return this.#bearer(value);
      throw authErrors.unparsable();
    }
    if (credentials.queryUser !== undefined) {
      return this.#password(credentials.queryUser, credentials.queryPassword ?? '');
    }
    throw authErrors.unparsable();
  }

  /** Throws `forbidden` unless the principal's role allows the HTTP method. */
  authorize(principal: Principal, method: string, path: string): void {
    const privilege = privilegeOf(method);
    if (privilege === 'none' || privilege === 'read' || principal.role !== 'read') return;
    throw authErrors.forbidden(principal.username, privilege, path);
  }

  #basic(encoded: string): Principal {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw authErrors.unparsable();
    return this.#password(decoded.slice(0, colon), decoded.slice(colon + 1));
  }

  #password(username: string, password: string): Principal {
    if (username === '') throw authErrors.usernameRequired();
    const user = this.#users.get(username);
    if (user === undefined || !sameSecret(user.password, password)) throw authErrors.failed();
    return { username: user.username, role: user.role };
  }

  #bearer(token: string): Principal {
    const username = this.#tokens.get(token);
    if (username !== undefined) return this.#principalOf(username);
    if (this.#options.sharedSecret === '' || token.split('.').length !== 3) throw authErrors.failed();
    return this.#principalOf(verifyJwt(token, this.#options.sharedSecret, this.#options.nowSeconds()));
  }

  #principalOf(username: string): Principal {
    const user = this.#users.get(username);
    if (user === undefined) throw authErrors.failed();
    return { username, role: user.role };
  }
}

function privilegeOf(method: string): 'none' | 'read' | 'write' | 'delete' {
  switch (method) {
    case 'GET':
      return 'read';
    case 'HEAD':
    case 'OPTIONS':
      return 'none';
    case 'DELETE':
      return 'delete';
    default:
      return 'write';
  }
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

const JWT_HASHES: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/** Verifies an HMAC-signed JWT the way Kapacitor does: `exp` > 0 and not past, string `username`. */
function verifyJwt(token: string, secret: string, nowSeconds: number): string {
  const [headerPart, payloadPart, signaturePart] = token.split('.');
  let header: { alg?: string };
  let payload: { exp?: unknown; username?: unknown };
  try {
    header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    throw authErrors.invalidToken('malformed token');
  }
  const hash = header.alg === undefined ? undefined : JWT_HASHES[header.alg];
  if (hash === undefined) throw authErrors.invalidToken(`unexpected signing method: ${header.alg}`);
  const expected = createHmac(hash, secret).update(`${headerPart}.${payloadPart}`).digest();
  const given = Buffer.from(signaturePart, 'base64url');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw authErrors.invalidToken('signature is invalid');
  }
  if (typeof payload.exp !== 'number' || payload.exp <= 0) throw authErrors.invalidToken('token expiration required');
  if (payload.exp < nowSeconds) throw authErrors.invalidToken('token is expired');
  if (typeof payload.username !== 'string' || payload.username === '') {
    throw authErrors.invalidToken('username claim required');
  }
  return payload.username;
}
