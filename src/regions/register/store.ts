import { join } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Store } from '../../store/index.js';
import { gemeenteCrosswalk, identityCrosswalk, type Crosswalk, type Transfer } from '../crosswalk.js';
import { buildRegister, type Register } from './build.js';
import { readCustomRegions, type CustomRegion } from './custom.js';
import { readRegisterSources } from './sources.js';

/**
 * Bump when the register's construction changes, so stores rebuild it. 2: custom regions of every
 * data center (datacenters/<name>/regions.yaml), not only Groningen's.
 */
export const REGISTER_VERSION = 2;

/** The folder holding one folder per data center; the default register includes all their custom regions. */
export const DATACENTERS_DIR = fileURLToPath(new URL('../../../datacenters', import.meta.url));

/** The Groningen data center's folder (kept for callers that name one data center). */
export const DEFAULT_DATACENTER_DIR = join(DATACENTERS_DIR, 'groningen');

/**
 * Builds the register into the store unless this version is there already. Atomic. `from` is the
 * folder of all data centers (default) or one data center's folder (it has a regions.yaml itself);
 * the register holds the custom regions of every data center found there.
 */
export async function ensureRegister(store: Store, from = DATACENTERS_DIR): Promise<boolean> {
  const built = await store.one<{ version: number }>(
    'SELECT max(version) AS version FROM region_register_build',
  );
  if (Number(built?.version ?? 0) >= REGISTER_VERSION) return false;
  await writeRegister(store, buildRegister(await readRegisterSources(), await readAllCustomRegions(from)));
  return true;
}

/**
 * The custom regions of every data center under `from` (or of the one data center `from` is),
 * in folder order. A code defined by two data centers is an error naming both files: the register
 * has one meaning per code.
 */
export async function readAllCustomRegions(from = DATACENTERS_DIR): Promise<CustomRegion[]> {
  const files = existsSync(join(from, 'regions.yaml'))
    ? [join(from, 'regions.yaml')]
    : existsSync(from)
      ? readdirSync(from, { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => join(from, e.name, 'regions.yaml'))
          .filter((f) => existsSync(f))
          .sort()
      : [];
  const custom: CustomRegion[] = [];
  const definedIn = new Map<string, string>();
  for (const file of files) {
    for (const region of await readCustomRegions(file)) {
      const first = definedIn.get(region.code);
      if (first)
        throw new Error(
          `${file}: custom region ${region.code} is already defined in ${first}; codes are unique over all data centers`,
        );
      definedIn.set(region.code, file);
      custom.push(region);
    }
  }
  return custom;
}

/** Replaces the stored register with `register`, in one transaction. */
export async function writeRegister(store: Store, register: Register): Promise<void> {
  await store.transaction(async (tx) => {
    for (const table of ['region', 'region_year', 'region_parent', 'region_change', 'region_population']) {
      await tx.run(`DELETE FROM ${table}`);
    }
    await tx.append(
      'region',
      register.regions.map((r) => [r.code, r.name, r.level, r.validFrom, r.validTo, r.source]),
    );
    await tx.append(
      'region_year',
      dedupe(register.years, (r) => `${r.year}:${r.code}`).map((r) => [r.year, r.code, r.name, r.level]),
    );
    await tx.append(
      'region_parent',
      dedupe(register.parents, (p) => `${p.year}:${p.code}:${p.classification}:${p.parent}`).map((p) => [
        p.year,
        p.code,
        p.classification,
        p.parent,
        p.basis,
      ]),
    );
    await tx.append(
      'region_change',
      register.transfers.map((t) => [
        t.date,
        t.event,
        t.from,
        t.to,
        t.dissolved,
        t.hectare ?? null,
        t.woningen ?? null,
        t.inwoners ?? null,
      ]),
    );
    await tx.append(
      'region_population',
      register.population.map((p) => [p.year, p.code, p.inhabitants, 'CBS 37230ned']),
    );
    await tx.run(
      `INSERT INTO region_register_build (built, version, summary) VALUES (current_timestamp, $1, $2)`,
      [REGISTER_VERSION, JSON.stringify({ regions: register.regions.length, years: register.years.length })],
    );
  });
}

function dedupe<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = key(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export interface RegionInYear extends Record<string, unknown> {
  code: string;
  name: string;
  level: string;
  year: number;
}

/** Years the register has for a level. */
export async function registerYears(store: Store, level: string): Promise<number[]> {
  const rows = await store.all<{ year: number }>(
    'SELECT DISTINCT year FROM region_year WHERE level = $1 ORDER BY year',
    [level],
  );
  return rows.map((r) => r.year);
}

/** Regions of a year, optionally of one level and inside one parent (any classification). */
export async function listRegions(
  store: Store,
  query: { year: number; level?: string; parent?: string },
): Promise<RegionInYear[]> {
  const years = await store.one<{ n: number }>('SELECT count(*) AS n FROM region_year WHERE year = $1', [
    query.year,
  ]);
  if (Number(years?.n ?? 0) === 0) {
    const all = await store.all<{ year: number }>('SELECT DISTINCT year FROM region_year ORDER BY year');
    throw new RegisterError(
      `no region register for ${query.year}: the register covers ${all.length ? `${all[0]!.year}..${all.at(-1)!.year}` : 'no years (run `udc init`)'}`,
    );
  }
  const params: (string | number)[] = [query.year];
  let where = 'y.year = $1';
  if (query.level) {
    params.push(query.level);
    where += ` AND y.level = $${params.length}`;
  }
  if (query.parent) {
    params.push(query.parent);
    where += ` AND y.code IN (SELECT code FROM region_parent WHERE year = y.year AND parent = $${params.length})`;
  }
  return store.all<RegionInYear>(
    `SELECT y.code, y.name, y.level, y.year FROM region_year y WHERE ${where} ORDER BY y.code`,
    params,
  );
}

export class RegisterError extends Error {}

/** One region in one year with its parents and children; an error naming the code when unknown. */
export async function showRegion(store: Store, code: string, year: number) {
  const region = await store.one<{ code: string; name: string; level: string }>(
    'SELECT code, name, level FROM region_year WHERE code = $1 AND year = $2',
    [code, year],
  );
  if (!region) {
    const known = await store.all<{ year: number }>(
      'SELECT year FROM region_year WHERE code = $1 ORDER BY year',
      [code],
    );
    throw new RegisterError(
      known.length === 0
        ? `unknown region code ${code}: it is in no year of the register`
        : `region ${code} is not in the ${year} register; it is in ${summariseYears(known.map((k) => k.year))}`,
    );
  }
  const parents = await store.all<{
    classification: string;
    parent: string;
    name: string | null;
    basis: string;
  }>(
    `SELECT p.classification, p.parent, y.name, p.basis FROM region_parent p
     LEFT JOIN region_year y ON y.code = p.parent AND y.year = p.year
     WHERE p.code = $1 AND p.year = $2 ORDER BY p.classification, p.parent`,
    [code, year],
  );
  const children = await store.all<{ code: string; name: string; level: string }>(
    `SELECT y.code, y.name, y.level FROM region_parent p JOIN region_year y ON y.code = p.code AND y.year = p.year
     WHERE p.parent = $1 AND p.year = $2 ORDER BY y.code`,
    [code, year],
  );
  const validity = await store.one<{ valid_from: string | null; valid_to: string | null; source: string }>(
    'SELECT valid_from, valid_to, source FROM region WHERE code = $1',
    [code],
  );
  return { ...region, year, ...validity, parents, children };
}

/** Every region of a year under each of its parents (any classification), in one query. */
export async function childrenByParent(store: Store, year: number): Promise<Map<string, RegionInYear[]>> {
  const rows = await store.all<RegionInYear & { parent: string }>(
    `SELECT p.parent, y.code, y.name, y.level, y.year FROM region_parent p
     JOIN region_year y ON y.code = p.code AND y.year = p.year WHERE p.year = $1 ORDER BY y.code`,
    [year],
  );
  const children = new Map<string, RegionInYear[]>();
  for (const { parent, ...child } of rows) {
    const list = children.get(parent);
    if (list) list.push(child);
    else children.set(parent, [child]);
  }
  return children;
}

/** Years as ranges: 1995-2018, 2020. */
export function summariseYears(years: readonly number[]): string {
  const ranges: string[] = [];
  let start = years[0];
  for (let i = 0; i < years.length; i++) {
    const y = years[i]!;
    if (years[i + 1] !== y + 1) {
      ranges.push(start === y ? `${y}` : `${start}-${y}`);
      start = years[i + 1];
    }
  }
  return ranges.join(', ');
}

/**
 * The crosswalk between two years of a level. Gemeenten: from CBS's change history. Wijken and
 * buurten: identity in the same year; otherwise from boundaries of both years (area overlap).
 */
export async function loadCrosswalk(
  store: Store,
  level: string,
  fromYear: number,
  toYear: number,
): Promise<Crosswalk> {
  const years = await registerYears(store, level);
  for (const y of [fromYear, toYear]) {
    if (!years.includes(y)) {
      throw new RegisterError(
        `no ${level} register for ${y}: the register has ${level} for ${years.length ? summariseYears(years) : 'no years'}`,
      );
    }
  }
  if (level === 'gemeente') {
    const codes = new Map<number, string[]>();
    for (const r of await store.all<{ year: number; code: string }>(
      "SELECT year, code FROM region_year WHERE level = 'gemeente' ORDER BY year, code",
    )) {
      const list = codes.get(r.year) ?? [];
      list.push(r.code);
      codes.set(r.year, list);
    }
    const transfers = await store.all<Transfer & Record<string, unknown>>(
      `SELECT date, from_code AS "from", to_code AS "to", dissolved, inwoners, woningen, hectare FROM region_change ORDER BY date`,
    );
    const population = new Map(
      (
        await store.all<{ year: number; code: string; inhabitants: number }>(
          'SELECT year, code, inhabitants FROM region_population',
        )
      ).map((p) => [`${p.code}:${p.year}`, p.inhabitants]),
    );
    const built = gemeenteCrosswalk(
      fromYear,
      toYear,
      (y) => codes.get(y) ?? [],
      transfers,
      (code, year) => population.get(`${code}:${year}`),
    );
    if (!built.ok) throw new RegisterError(built.error);
    return built.value;
  }
  if (fromYear === toYear) {
    const codes = await listRegions(store, { year: fromYear, level });
    return identityCrosswalk(
      level,
      fromYear,
      codes.map((c) => c.code),
    );
  }
  const { overlapCrosswalk } = await import('./overlap.js');
  return overlapCrosswalk(store, level, fromYear, toYear);
}
