/**
 * Sessions and tokens over real HTTP with a clock the test moves: idle timeout, absolute expiry,
 * token expiry, rotation on sign-in, cookie flags, CSRF on every state-changing request, the
 * sign-in rate limit, and password hashing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { createToken, DEFAULT_SCRYPT, hashPassword, verifyPassword } from '../../src/access/index.js';
import { accessWorld, PASSWORD, SEEDED, signIn, type AccessWorld } from './world.js';

let world: AccessWorld;
let clock = new Date();
const later = (minutes: number) => {
  clock = new Date(clock.getTime() + minutes * 60_000);
};

beforeAll(async () => {
  world = await accessWorld({
    access: { now: () => clock, loginLimit: { perName: 3, perAddress: 50, windowMinutes: 15 } },
  });
}, 120_000);
afterAll(async () => {
  await world?.close();
});

const internal = (headers: Record<string, string>) =>
  fetch(`${world.server.url}/api/v1/datasets/${SEEDED.internal.dataset}`, { headers }).then((r) => r.status);

describe('sessions', () => {
  it('sets an HttpOnly, SameSite=Lax cookie, not Secure on loopback http, with an expiry', async () => {
    const { setCookie } = await signIn(world.server.url, 'analyst-user');
    expect(setCookie).toMatch(/^udc_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Expires=/);
    expect(setCookie).not.toMatch(/Secure/);
  });

  it('sets a Secure cookie anywhere but loopback http (here: a host name over https)', async () => {
    const app = createApp(world.store, { access: { now: () => clock } });
    const response = await app.request('https://udc.example.nl/api/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'reader-user', password: PASSWORD }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('set-cookie')).toMatch(/; Secure/);
  });

  it('ends after the idle timeout (30 minutes without a request)', async () => {
    const { cookie } = await signIn(world.server.url, 'analyst-user');
    expect(await internal({ cookie })).toBe(200);
    later(29);
    expect(await internal({ cookie })).toBe(200); // touched: idle time starts again
    later(29);
    expect(await internal({ cookie })).toBe(200);
    later(31);
    expect(await internal({ cookie })).toBe(404);
    const who = await fetch(`${world.server.url}/api/v1/session`, { headers: { cookie } });
    expect(((await who.json()) as { via: string }).via).toBe('anonymous');
    expect(who.headers.get('set-cookie')).toMatch(/udc_session=; .*Max-Age=0/);
  });

  it('ends 12 hours after sign-in however active', async () => {
    const { cookie } = await signIn(world.server.url, 'analyst-user');
    for (let step = 0; step < 35; step++) {
      later(20); // 35 x 20 = 11 h 40 min
      expect(await internal({ cookie })).toBe(200);
    }
    later(20);
    expect(await internal({ cookie })).toBe(404);
  });

  it('rotates on sign-in: the session the browser had before is over', async () => {
    const first = await signIn(world.server.url, 'analyst-user');
    const response = await fetch(`${world.server.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: first.cookie, 'x-csrf-token': first.csrf },
      body: JSON.stringify({ name: 'analyst-user', password: PASSWORD }),
    });
    expect(response.status).toBe(200);
    const second = response.headers.get('set-cookie')!.split(';')[0]!;
    expect(second).not.toBe(first.cookie);
    expect(await internal({ cookie: first.cookie })).toBe(404);
    expect(await internal({ cookie: second })).toBe(200);
  });
});

describe('API tokens', () => {
  it('work as Bearer tokens until they expire; an expired or wrong token is 401, never anonymous', async () => {
    const bearer = { authorization: `Bearer ${world.tokens.analyst}` };
    expect(await internal(bearer)).toBe(200);
    later(89 * 24 * 60);
    expect(await internal(bearer)).toBe(200);
    later(2 * 24 * 60);
    const expired = await fetch(`${world.server.url}/api/v1/datasets`, { headers: bearer });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toMatch(/invalid_token/);
    const tampered = world.tokens.steward.slice(0, -2) + (world.tokens.steward.endsWith('AA') ? 'BB' : 'AA');
    expect(
      (
        await fetch(`${world.server.url}/api/v1/datasets`, {
          headers: { authorization: `Bearer ${tampered}` },
        })
      ).status,
    ).toBe(401);
  });

  it('are made from a session, shown once, scoped to at most the user’s role, and revocable', async () => {
    const s = await signIn(world.server.url, 'analyst-user');
    const make = (body: unknown) =>
      fetch(`${world.server.url}/api/v1/tokens`, {
        method: 'POST',
        headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await make({ name: 'te sterk', role: 'steward' })).status).toBe(400);
    const made = await make({ name: 'export', role: 'reader', days: 7 });
    expect(made.status).toBe(201);
    const { token, id, role } = (await made.json()) as { token: string; id: string; role: string };
    expect(role).toBe('reader');
    // Scoped to reader: the analyst's token cannot see internal data.
    expect(await internal({ authorization: `Bearer ${token}` })).toBe(404);
    expect(
      (await fetch(`${world.server.url}/api/v1/datasets`, { headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(200);
    // Only the hash is stored.
    const stored = await world.store.all<{ secret_hash: string }>('SELECT secret_hash FROM api_token');
    expect(stored.some((r) => token.includes(r.secret_hash))).toBe(false);
    const list = await fetch(`${world.server.url}/api/v1/tokens`, { headers: { cookie: s.cookie } });
    expect(await list.text()).not.toContain(token.split('.')[1]);
    // A token cannot make tokens.
    const byToken = await fetch(`${world.server.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    });
    expect(byToken.status).toBe(403);
    const revoke = await fetch(`${world.server.url}/api/v1/tokens/${id}`, {
      method: 'DELETE',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
    });
    expect(revoke.status).toBe(204);
    expect(
      (await fetch(`${world.server.url}/api/v1/datasets`, { headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses every state-changing route of the app for a cookie session without its token; bearer tokens need none', async () => {
    const s = await signIn(world.server.url, 'administrator-user');
    const app = createApp(world.store);
    const unsafe = [
      ...new Set(
        app.routes
          .filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method))
          .map(
            (r) =>
              `${r.method} ${r.path.replace(/:id/g, '00000000-0000-4000-8000-000000000000').replace(/\/\*$/, '/x')}`,
          ),
      ),
    ];
    expect(unsafe.length).toBeGreaterThan(10);
    for (const key of unsafe) {
      const [method, path] = key.split(' ') as [string, string];
      for (const csrf of [undefined, 'wrong-token']) {
        const response = await fetch(`${world.server.url}${path}`, {
          method,
          headers: {
            cookie: s.cookie,
            'content-type': 'application/json',
            ...(csrf ? { 'x-csrf-token': csrf } : {}),
          },
          body: JSON.stringify({ body: 'x', indicator: SEEDED.open.indicator }),
        });
        expect(response.status, key).toBe(403);
        expect(((await response.json()) as { title: string }).title, key).toBe('CSRF token missing or wrong');
      }
    }
    // Nothing was written.
    expect((await world.store.one<{ n: number }>('SELECT count(*) AS n FROM annotation'))!.n).toBe(0);
    // With the token the same request goes through; a bearer token needs no CSRF token.
    const post = (headers: Record<string, string>) =>
      fetch(`${world.server.url}/api/v1/annotations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ body: 'x', indicator: SEEDED.open.indicator }),
      });
    expect((await post({ cookie: s.cookie, 'x-csrf-token': s.csrf })).status).toBe(201);
    const fresh = await createToken(world.store, world.users.analyst, { name: 'csrf test' }, clock);
    expect((await post({ authorization: `Bearer ${fresh.token}` })).status).toBe(201);
    // Another site's page may not change anything, token or not.
    expect(
      (await post({ cookie: s.cookie, 'x-csrf-token': s.csrf, origin: 'https://evil.example' })).status,
    ).toBe(403);
    // A form post (not JSON) is refused before anything happens.
    const form = await fetch(`${world.server.url}/api/v1/annotations`, {
      method: 'POST',
      headers: {
        cookie: s.cookie,
        'x-csrf-token': s.csrf,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'body=x',
    });
    expect(form.status).toBe(415);
  });
});

describe('sign-in', () => {
  it('answers a wrong password and an unknown user the same way, and limits failed attempts per name', async () => {
    const attempt = (name: string, password: string) =>
      fetch(`${world.server.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, password }),
      });
    const wrong = await attempt('steward-user', 'not the password!');
    const unknown = await attempt('nobody-at-all', 'not the password!');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.text()).toBe(await unknown.text());
    await attempt('steward-user', 'not the password!');
    await attempt('steward-user', 'not the password!');
    const limited = await attempt('steward-user', PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    later(16);
    expect((await attempt('steward-user', PASSWORD)).status).toBe(200);
  });

  it('stores scrypt hashes with their parameters; verifies only the right password', async () => {
    const hash = await hashPassword('een lang wachtwoord');
    expect(hash).toMatch(
      new RegExp(
        `^scrypt\\$${DEFAULT_SCRYPT.N}\\$${DEFAULT_SCRYPT.r}\\$${DEFAULT_SCRYPT.p}\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{43}$`,
      ),
    );
    expect(await verifyPassword('een lang wachtwoord', hash)).toBe(true);
    expect(await verifyPassword('een lang wachtwoorD', hash)).toBe(false);
    expect(await verifyPassword('een lang wachtwoord', hash.replace(/\$[^$]+$/, '$AAAA'))).toBe(false);
    expect(await verifyPassword('x', 'plain text')).toBe(false);
    expect(await hashPassword('een lang wachtwoord')).not.toBe(hash); // salted
    const stored = await world.store.all<{ password_hash: string }>('SELECT password_hash FROM app_user');
    expect(
      stored.every((r) => r.password_hash.startsWith('scrypt$') && !r.password_hash.includes(PASSWORD)),
    ).toBe(true);
  });
});
