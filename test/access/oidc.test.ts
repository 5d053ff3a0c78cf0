/**
 * OpenID Connect sign-in against a small provider started here on loopback (no internet): the
 * discovery document, a JWKS with an RSA key, an authorization endpoint that signs in one test
 * person at once, and a token endpoint that checks the PKCE verifier and issues an RS256 ID token.
 * udc runs the authorization-code flow with PKCE, state and nonce and checks the token itself.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcClient, OidcError } from '../../src/access/index.js';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { seed, SEEDED } from './world.js';
import { temporaryStore } from '../helpers/store.js';
import type { Store } from '../../src/store/index.js';

interface Provider {
  issuer: string;
  /** What the next ID token says (tests spoil it on purpose). */
  claims: Record<string, unknown>;
  spoil: 'none' | 'signature' | 'nonce' | 'audience' | 'expired';
  close(): Promise<void>;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function jwt(claims: Record<string, unknown>, key: KeyObject, kid: string): string {
  const head = b64({ alg: 'RS256', typ: 'JWT', kid });
  const body = b64(claims);
  return `${head}.${body}.${sign('sha256', Buffer.from(`${head}.${body}`), key).toString('base64url')}`;
}

async function startProvider(clientId: string): Promise<Provider> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const kid = 'test-key-1';
  const codes = new Map<string, { challenge: string; nonce: string; redirect: string }>();
  const provider: Provider = { issuer: '', claims: {}, spoil: 'none', close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url!, provider.issuer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration')
      return json(200, {
        issuer: provider.issuer,
        authorization_endpoint: `${provider.issuer}/authorize`,
        token_endpoint: `${provider.issuer}/token`,
        jwks_uri: `${provider.issuer}/jwks`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    if (url.pathname === '/jwks')
      return json(200, { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' }] });
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      if (
        q.get('response_type') !== 'code' ||
        q.get('client_id') !== clientId ||
        q.get('code_challenge_method') !== 'S256'
      )
        return json(400, { error: 'invalid_request' });
      const code = randomBytes(16).toString('hex');
      codes.set(code, {
        challenge: q.get('code_challenge')!,
        nonce: q.get('nonce')!,
        redirect: q.get('redirect_uri')!,
      });
      const back = new URL(q.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state')!);
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let text = '';
      req.on('data', (chunk) => (text += String(chunk)));
      req.on('end', () => {
        const form = new URLSearchParams(text);
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        if (
          !grant ||
          createHash('sha256').update(verifier).digest('base64url') !== grant.challenge ||
          form.get('redirect_uri') !== grant.redirect
        )
          return json(400, { error: 'invalid_grant' });
        const now = Math.floor(Date.now() / 1000);
        const claims = {
          iss: provider.issuer,
          aud: provider.spoil === 'audience' ? 'another-client' : clientId,
          iat: now,
          exp: provider.spoil === 'expired' ? now - 3600 : now + 300,
          nonce: provider.spoil === 'nonce' ? 'a-nonce-of-another-sign-in' : grant.nonce,
          ...provider.claims,
        };
        json(200, {
          access_token: 'opaque',
          token_type: 'Bearer',
          id_token: jwt(claims, provider.spoil === 'signature' ? other : privateKey, kid),
        });
      });
      return;
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  provider.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  provider.close = () => new Promise((done) => server.close(() => done()));
  return provider;
}

let provider: Provider;
let udc: RunningServer;
let store: Store;
let dispose: () => Promise<void>;

beforeAll(async () => {
  provider = await startProvider('udc-test');
  ({ store, dispose } = await temporaryStore());
  await seed(store);
  // udc's port must be known for the redirect URI: take a free one first.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  udc = await startServer(store, {
    host: '127.0.0.1',
    port,
    access: {
      oidc: {
        issuer: provider.issuer,
        clientId: 'udc-test',
        redirectUri: `http://127.0.0.1:${port}/api/v1/auth/oidc/callback`,
        roleClaim: 'groups',
        roleMap: { 'udc-analisten': 'analyst', 'udc-beheer': 'steward' },
      },
    },
  });
}, 120_000);
afterAll(async () => {
  await udc?.close();
  await dispose?.();
  await provider?.close();
});

/** Runs the browser's part of the flow by hand: udc -> provider -> udc callback. */
async function oidcSignIn(
  returnTo = '/gebied/GM0014',
): Promise<{ status: number; cookie?: string; location?: string; body: string }> {
  const start = await fetch(`${udc.url}/api/v1/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`, {
    redirect: 'manual',
  });
  expect(start.status).toBe(302);
  const stateCookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.origin).toBe(provider.issuer);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{32}$/);
  const atProvider = await fetch(authorize, { redirect: 'manual' });
  const callback = await fetch(atProvider.headers.get('location')!, {
    redirect: 'manual',
    headers: { cookie: stateCookie },
  });
  return {
    status: callback.status,
    cookie: callback.headers.get('set-cookie')?.match(/udc_session=[^;]+/)?.[0],
    location: callback.headers.get('location') ?? undefined,
    body: await callback.text(),
  };
}

describe('OpenID Connect sign-in (authorization code + PKCE) against a loopback provider', () => {
  it('signs a new person in with the role their groups map to, and returns them where they started', async () => {
    provider.spoil = 'none';
    provider.claims = {
      sub: 'person-123',
      preferred_username: 'j.jansen',
      name: 'J. Jansen',
      groups: ['udc-analisten'],
    };
    const done = await oidcSignIn();
    expect(done.status, done.body).toBe(302);
    expect(done.location).toBe('/gebied/GM0014');
    const who = await (
      await fetch(`${udc.url}/api/v1/session`, { headers: { cookie: done.cookie! } })
    ).json();
    expect(who).toMatchObject({ user: { name: 'j.jansen', role: 'analyst' }, via: 'session' });
    expect(
      (
        await fetch(`${udc.url}/api/v1/datasets/${SEEDED.internal.dataset}`, {
          headers: { cookie: done.cookie! },
        })
      ).status,
    ).toBe(200);
    // The next sign-in finds the same account; a changed group changes the role.
    provider.claims = { ...provider.claims, groups: ['udc-beheer'] };
    const again = await oidcSignIn();
    const who2 = await (
      await fetch(`${udc.url}/api/v1/session`, { headers: { cookie: again.cookie! } })
    ).json();
    expect(who2).toMatchObject({ user: { name: 'j.jansen', role: 'steward' } });
    expect((await store.all('SELECT name FROM app_user')).length).toBe(1);
  });

  it('refuses a person the configuration gives no role', async () => {
    provider.spoil = 'none';
    provider.claims = { sub: 'person-456', preferred_username: 'onbekend', groups: ['andere-groep'] };
    const done = await oidcSignIn();
    expect(done.status).toBe(403);
    expect(done.cookie).toBeUndefined();
  });

  for (const [spoil, message] of [
    ['signature', 'signature does not verify'],
    ['nonce', 'nonce does not match'],
    ['audience', 'not meant for this client'],
    ['expired', 'has expired'],
  ] as const) {
    it(`refuses an ID token whose ${spoil} is wrong`, async () => {
      provider.spoil = spoil;
      provider.claims = { sub: 'person-123', preferred_username: 'j.jansen', groups: ['udc-analisten'] };
      const done = await oidcSignIn();
      expect(done.status).toBe(502);
      expect(done.body).toContain(message);
      expect(done.cookie).toBeUndefined();
    });
  }

  it('refuses a callback whose state this browser did not start, and redirects only to paths on this site', async () => {
    provider.spoil = 'none';
    const start = await fetch(
      `${udc.url}/api/v1/auth/oidc/login?returnTo=${encodeURIComponent('//evil.example/')}`,
      { redirect: 'manual' },
    );
    const atProvider = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    // Without the state cookie (another browser, a forged link): refused.
    const forged = await fetch(atProvider.headers.get('location')!, { redirect: 'manual' });
    expect(forged.status).toBe(400);
    provider.claims = { sub: 'person-123', preferred_username: 'j.jansen', groups: ['udc-analisten'] };
    const done = await oidcSignIn('https://evil.example/');
    expect(done.location).toBe('/');
  });

  it('refuses an issuer over plain http off loopback, and a discovery document naming another issuer', async () => {
    expect(
      () =>
        new OidcClient({
          issuer: 'http://idp.example.nl',
          clientId: 'x',
          redirectUri: 'https://udc.example.nl/cb',
        }),
    ).toThrow(OidcError);
    const client = new OidcClient({
      issuer: `${provider.issuer}/`,
      clientId: 'x',
      redirectUri: 'https://udc.example.nl/cb',
    });
    await expect(client.begin('/', new Date())).rejects.toThrow(/names issuer/);
  });
});
