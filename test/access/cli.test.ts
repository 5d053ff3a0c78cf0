import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readToken } from '../../src/access/index.js';
import { main } from '../../src/cli/main.js';
import { verifyAudit, listAudit } from '../../src/linkage/audit.js';
import { openStore } from '../../src/store/index.js';

let dir: string;
let out: string[];
let errors: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'udc-users-'));
  out = [];
  errors = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (errors.push(String(chunk)), true));
  process.exitCode = undefined;
});
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  process.exitCode = undefined;
  await rm(dir, { recursive: true, force: true });
});

const db = () => join(dir, 'udc.duckdb');
const udc = (...args: string[]) => main(['users', ...args, '--database', db()]);

describe('udc users', () => {
  it('adds the first administrator, lists users, makes a token that works, removes a user; all in the audit log', async () => {
    vi.stubEnv('UDC_NEW_PASSWORD', 'een heel lang wachtwoord');
    expect(await udc('add', 'beheerder', '--role', 'administrator', '--display-name', 'Beheer')).toBe(0);
    expect(await udc('add', 'analist', '--role', 'analyst')).toBe(0);
    out = [];
    expect(await udc('list', '--json')).toBe(0);
    const users = JSON.parse(out.join('')) as { name: string; role: string; sign_in: string }[];
    expect(users.map((u) => [u.name, u.role, u.sign_in])).toEqual([
      ['analist', 'analyst', 'password'],
      ['beheerder', 'administrator', 'password'],
    ]);
    expect(out.join('')).not.toContain('scrypt');
    out = [];
    expect(
      await udc('token', 'analist', '--name', 'nachtelijke export', '--role', 'reader', '--days', '7'),
    ).toBe(0);
    const token = out.join('').trim();
    expect(token).toMatch(/^udc_[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/);
    // A token may not have more rights than its user.
    expect(await udc('token', 'analist', '--name', 'te veel', '--role', 'administrator')).toBe(1);
    expect(errors.join('')).toContain('cannot have the role administrator');
    expect(await udc('remove', 'analist')).toBe(0);
    expect(await udc('remove', 'analist')).toBe(1);
    const store = await openStore({ database: db() });
    try {
      expect(await readToken(store, token, new Date())).toBeUndefined(); // gone with its user
      expect((await listAudit(store)).map((e) => e.action)).toEqual([
        'user.add',
        'user.add',
        'token.create',
        'user.remove',
      ]);
      expect((await verifyAudit(store)).ok).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('never takes a password as an argument, and refuses a weak one or a taken name', async () => {
    expect(await udc('add', 'x', '--role', 'analyst')).toBe(2);
    expect(errors.join('')).toContain('never as an argument');
    vi.stubEnv('UDC_NEW_PASSWORD', 'kort');
    expect(await udc('add', 'x', '--role', 'analyst')).toBe(1);
    expect(errors.join('')).toContain('at least 12 characters');
    vi.stubEnv('UDC_NEW_PASSWORD', 'een heel lang wachtwoord');
    expect(await udc('add', 'x', '--role', 'analyst')).toBe(0);
    expect(await udc('add', 'X', '--role', 'reader')).toBe(1);
    expect(errors.join('')).toContain('exists already');
    expect(await udc('add', 'y', '--role', 'koning')).not.toBe(0);
  });
});
