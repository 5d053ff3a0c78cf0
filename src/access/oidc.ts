// OpenID Connect sign-in (the authorization-code flow with PKCE) against a municipality's own
// identity provider: discovery document, authorization request with state, nonce and an S256
// code challenge, code exchange at the token endpoint, and the ID token checked here with
// node:crypto (signature against the provider's JWKS, issuer, audience, expiry, nonce). No
// library: the flow is small and every check is visible.
import { createHash, createPublicKey, randomBytes, verify, constants, type JsonWebKey } from 'node:crypto';
import { isRole, type Role } from './roles.js';

/** How udc talks to the provider. The client secret comes from the environment, never a file in the repo. */
export interface OidcConfig {
  /** The issuer URL; its /.well-known/openid-configuration is read. https, or http on loopback. */
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** Where the provider sends the browser back: https://<host>/api/v1/auth/oidc/callback. */
  redirectUri: string;
  /** Scopes asked for (default openid profile email). */
  scopes?: string[];
  /** A claim (e.g. "groups" or "roles") whose values map to udc roles through roleMap. */
  roleClaim?: string;
  roleMap?: Record<string, Role>;
  /** Role of a first-time user the role map says nothing about; unset: such users are refused. */
  defaultRole?: Role;
}

/** Reads the OIDC configuration from UDC_OIDC_* environment variables; undefined when not configured. */
export function oidcConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OidcConfig | undefined {
  const issuer = env['UDC_OIDC_ISSUER'];
  if (!issuer) return undefined;
  const clientId = env['UDC_OIDC_CLIENT_ID'];
  const redirectUri = env['UDC_OIDC_REDIRECT_URI'];
  if (!clientId || !redirectUri)
    throw new OidcError('UDC_OIDC_ISSUER is set: also set UDC_OIDC_CLIENT_ID and UDC_OIDC_REDIRECT_URI');
  const roleMap: Record<string, Role> = {};
  for (const pair of (env['UDC_OIDC_ROLE_MAP'] ?? '').split(',').filter(Boolean)) {
    const [value, role] = pair.split('=').map((s) => s.trim());
    if (!value || !isRole(role))
      throw new OidcError(`UDC_OIDC_ROLE_MAP: "${pair}" is not <claim value>=<role>`);
    roleMap[value] = role;
  }
  const defaultRole = env['UDC_OIDC_DEFAULT_ROLE'];
  if (defaultRole !== undefined && !isRole(defaultRole))
    throw new OidcError(`UDC_OIDC_DEFAULT_ROLE: "${defaultRole}" is not a role`);
  return {
    issuer,
    clientId,
    redirectUri,
    ...(env['UDC_OIDC_CLIENT_SECRET'] ? { clientSecret: env['UDC_OIDC_CLIENT_SECRET'] } : {}),
    ...(env['UDC_OIDC_ROLE_CLAIM'] ? { roleClaim: env['UDC_OIDC_ROLE_CLAIM'], roleMap } : {}),
    ...(defaultRole ? { defaultRole } : {}),
  };
}

/** The sign-in failed: the message says which check and is safe to show. */
export class OidcError extends Error {
  override name = 'OidcError';
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

/** What a started sign-in must remember until the provider sends the browser back. */
export interface PendingLogin {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
  created: number;
}

/** The verified claims of an ID token. */
export interface IdClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat?: number;
  nonce?: string;
  name?: string;
  preferred_username?: string;
  email?: string;
  [claim: string]: unknown;
}

const b64url = (bytes: Buffer) => bytes.toString('base64url');

function checkUrl(text: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OidcError(`${what} "${text.slice(0, 100)}" is not a URL`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw new OidcError(`${what} ${url.href} must use https (plain http only on loopback)`);
  return url;
}

async function getJson(url: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
  const response = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (!response.ok) throw new OidcError(`${url} answered ${response.status}: ${text.slice(0, 200)}`);
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new OidcError(`${url} did not answer JSON`);
  }
}

/** An OIDC client for one provider; discovery and keys are read once and kept (keys again on an unknown kid). */
export class OidcClient {
  private discovery: Promise<Discovery> | undefined;
  private keys: Promise<JsonWebKey[]> | undefined;

  constructor(readonly config: OidcConfig) {
    checkUrl(config.issuer, 'the issuer');
    checkUrl(config.redirectUri, 'the redirect URI');
  }

  private discover(): Promise<Discovery> {
    this.discovery ??= (async () => {
      const url = `${this.config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
      const doc = await getJson(url);
      for (const field of ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const)
        if (typeof doc[field] !== 'string') throw new OidcError(`${url}: no ${field}`);
      // The discovery document must name the issuer it was read from (OIDC Discovery 4.3).
      if (doc['issuer'] !== this.config.issuer)
        throw new OidcError(`${url} names issuer ${String(doc['issuer'])}, not ${this.config.issuer}`);
      for (const field of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const)
        checkUrl(doc[field] as string, field);
      return doc as unknown as Discovery;
    })().catch((error: unknown) => {
      this.discovery = undefined;
      throw error;
    });
    return this.discovery;
  }

  private async jwks(refresh: boolean): Promise<JsonWebKey[]> {
    if (refresh) this.keys = undefined;
    this.keys ??= (async () => {
      const doc = await getJson((await this.discover()).jwks_uri);
      if (!Array.isArray(doc['keys'])) throw new OidcError('the JWKS has no keys');
      return doc['keys'] as JsonWebKey[];
    })().catch((error: unknown) => {
      this.keys = undefined;
      throw error;
    });
    return this.keys;
  }

  /** Starts a sign-in: where to send the browser, and what to remember until it comes back. */
  async begin(returnTo: string, now: Date): Promise<{ url: string; pending: PendingLogin }> {
    const d = await this.discover();
    const pending: PendingLogin = {
      state: b64url(randomBytes(24)),
      nonce: b64url(randomBytes(24)),
      verifier: b64url(randomBytes(32)),
      returnTo,
      created: now.getTime(),
    };
    const url = new URL(d.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.config.clientId);
    url.searchParams.set('redirect_uri', this.config.redirectUri);
    url.searchParams.set('scope', (this.config.scopes ?? ['openid', 'profile', 'email']).join(' '));
    url.searchParams.set('state', pending.state);
    url.searchParams.set('nonce', pending.nonce);
    url.searchParams.set('code_challenge', b64url(createHash('sha256').update(pending.verifier).digest()));
    url.searchParams.set('code_challenge_method', 'S256');
    return { url: url.href, pending };
  }

  /** Exchanges the code for tokens and returns the ID token's verified claims. */
  async finish(code: string, pending: PendingLogin, now: Date): Promise<IdClaims> {
    const d = await this.discover();
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.config.redirectUri,
      client_id: this.config.clientId,
      code_verifier: pending.verifier,
    });
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (this.config.clientSecret)
      headers['authorization'] = `Basic ${Buffer.from(
        `${encodeURIComponent(this.config.clientId)}:${encodeURIComponent(this.config.clientSecret)}`,
      ).toString('base64')}`;
    const tokens = await getJson(d.token_endpoint, { method: 'POST', headers, body });
    if (typeof tokens['id_token'] !== 'string') throw new OidcError('the token endpoint gave no id_token');
    return this.verifyIdToken(tokens['id_token'], pending.nonce, now);
  }

  /** Checks an ID token: signature (JWKS), issuer, audience, expiry, issue time and nonce. */
  async verifyIdToken(token: string, nonce: string, now: Date): Promise<IdClaims> {
    const parts = token.split('.');
    if (parts.length !== 3) throw new OidcError('the ID token is not a signed JWT');
    let header: { alg?: string; kid?: string };
    let claims: IdClaims;
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as typeof header;
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as IdClaims;
    } catch {
      throw new OidcError('the ID token is not readable JSON');
    }
    const algorithm = ALGORITHMS[header.alg ?? ''];
    if (!algorithm)
      throw new OidcError(
        `the ID token is signed with ${String(header.alg)}; expected RS256, PS256 or ES256`,
      );
    const pick = (keys: JsonWebKey[]) =>
      keys.filter(
        (k) =>
          k.kty === algorithm.kty &&
          (header.kid === undefined || (k as { kid?: string }).kid === header.kid) &&
          ((k as { use?: string }).use === undefined || (k as { use?: string }).use === 'sig'),
      );
    let candidates = pick(await this.jwks(false));
    if (candidates.length === 0) candidates = pick(await this.jwks(true)); // keys rotated
    const data = Buffer.from(`${parts[0]}.${parts[1]}`);
    const signature = Buffer.from(parts[2]!, 'base64url');
    const valid = candidates.some((jwk) => {
      try {
        const key = createPublicKey({ key: jwk, format: 'jwk' });
        return verify(algorithm.hash, data, { key, ...algorithm.options }, signature);
      } catch {
        return false;
      }
    });
    if (!valid) throw new OidcError('the ID token signature does not verify against the provider keys');
    const seconds = now.getTime() / 1000;
    const skew = 60;
    if (claims.iss !== this.config.issuer)
      throw new OidcError(`the ID token is from ${String(claims.iss)}, not ${this.config.issuer}`);
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(this.config.clientId))
      throw new OidcError('the ID token is not meant for this client (aud)');
    if (typeof claims.exp !== 'number' || claims.exp + skew < seconds)
      throw new OidcError('the ID token has expired');
    if (typeof claims.iat === 'number' && claims.iat - skew > seconds)
      throw new OidcError('the ID token is issued in the future');
    if (claims.nonce !== nonce) throw new OidcError('the ID token nonce does not match this sign-in');
    if (typeof claims.sub !== 'string' || claims.sub === '')
      throw new OidcError('the ID token has no subject');
    return claims;
  }

  /** The role the claims give through roleClaim/roleMap (the strongest that matches), if any. */
  roleFromClaims(claims: IdClaims): Role | undefined {
    const { roleClaim, roleMap } = this.config;
    if (!roleClaim || !roleMap) return undefined;
    const raw = claims[roleClaim];
    const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    const roles = values.map((v) => roleMap[String(v)]).filter((r): r is Role => r !== undefined);
    const order: Role[] = ['administrator', 'steward', 'analyst', 'reader'];
    return order.find((r) => roles.includes(r));
  }
}

const ALGORITHMS: Record<string, { hash: string; kty: string; options: object }> = {
  RS256: { hash: 'sha256', kty: 'RSA', options: {} },
  PS256: {
    hash: 'sha256',
    kty: 'RSA',
    options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
  },
  ES256: { hash: 'sha256', kty: 'EC', options: { dsaEncoding: 'ieee-p1363' } },
};
