import { gemeenteCrosswalk, type Crosswalk, type Transfer } from '../crosswalk.js';
import type { CustomRegion } from './custom.js';
import type { RegisterSources } from './sources.js';

/** The years the gemeente register covers: CBS's history goes back further, udc's tables do not. */
export const FIRST_REGISTER_YEAR = 1995;
export const LAST_REGISTER_YEAR = 2026;
/** COROP membership is known for this year's gemeenten (CBS gebiedsindelingen) and derived for others. */
const COROP_YEAR = 2015;

export interface RegionRow {
  code: string;
  name: string;
  level: string;
  validFrom: string | null;
  validTo: string | null;
  source: string;
}
export interface RegionYearRow {
  year: number;
  code: string;
  name: string;
  level: string;
}
export interface ParentRow {
  year: number;
  code: string;
  classification: string;
  parent: string;
  basis: string;
}
export interface PopulationRow {
  year: number;
  code: string;
  inhabitants: number;
}

export interface Register {
  regions: RegionRow[];
  years: RegionYearRow[];
  parents: ParentRow[];
  /** CBS's transfers, each with the event it was part of (Opgeheven, Grenswijziging, ...). */
  transfers: (Transfer & { event: string })[];
  population: PopulationRow[];
}

const CBS_CODES = 'CBS regiocodes 03759ned (2026)';
const CBS_KWB = (year: number) => `CBS wijk- en buurtcodes ${year}`;

/** Turns the bundled CBS sources (and a data center's custom regions) into the register's rows. Pure. */
export function buildRegister(sources: RegisterSources, custom: readonly CustomRegion[] = []): Register {
  const gemeenten = withEventDates(sources).filter((e) => e.kind === 'gemeente');
  const endOf = new Map(gemeenten.map((g) => [g.code, g.end]));
  const nameOf = new Map(sources.codeList.map((e) => [e.code, e.name]));
  const regions: RegionRow[] = sources.codeList.map((e) => ({
    code: e.code,
    name: e.name,
    level: e.kind === 'corop' ? 'corop' : e.kind,
    validFrom: e.begin ?? null,
    validTo: e.end ?? null,
    source: CBS_CODES,
  }));

  const years: RegionYearRow[] = [];
  const gemeenteCodes = new Map<number, string[]>();
  for (let year = FIRST_REGISTER_YEAR; year <= LAST_REGISTER_YEAR; year++) {
    const day = `${year}-01-01`;
    const present = gemeenten.filter(
      (g) => (g.begin === undefined || g.begin <= day) && (g.end === undefined || g.end > day),
    );
    gemeenteCodes.set(
      year,
      present.map((g) => g.code),
    );
    for (const g of present) years.push({ year, code: g.code, name: g.name, level: 'gemeente' });
    for (const e of sources.codeList.filter((e) => e.kind !== 'gemeente')) {
      years.push({ year, code: e.code, name: e.name, level: e.kind });
    }
  }

  const transfers = sources.changes
    .filter(
      (c) =>
        (c.direction === 'overgegaan naar' || isCodeChange(c)) &&
        c.other.startsWith('GM') &&
        c.subject !== c.other,
    )
    .map((c) => ({
      event: c.event,
      date: c.date,
      from: c.subject,
      to: c.other,
      dissolved: endOf.get(c.subject) === c.date,
      inwoners: c.inwoners,
      woningen: c.woningen,
      hectare: c.hectare,
    }));

  const population = populationRows(
    sources,
    gemeenten.map((g) => g.code),
    nameOf,
  );
  const populationOf = lookup(population);
  const codesOf = (year: number) => gemeenteCodes.get(year) ?? [];
  const crosswalkTo = new Map<number, Crosswalk>();
  const crosswalk = (from: number, to: number): Crosswalk => {
    const key = from * 10_000 + to;
    const cached = crosswalkTo.get(key);
    if (cached) return cached;
    const built = gemeenteCrosswalk(from, to, codesOf, transfers, populationOf);
    if (!built.ok) throw new Error(built.error);
    crosswalkTo.set(key, built.value);
    return built.value;
  };

  const parents: ParentRow[] = [];
  const provinceByName = new Map(
    sources.codeList
      .filter((e) => e.kind === 'provincie')
      .map((e) => [e.name.replace(/ \(PV\)$/, ''), e.code]),
  );
  const provinceMoves = sources.changes
    .filter((c) => c.event === 'Provinciale wijziging')
    .map((c) => {
      const [, before = '', after = ''] = /^provincie (.+) -> (.+)$/.exec(c.direction) ?? [];
      return {
        code: c.subject,
        date: c.date,
        before: provinceByName.get(before),
        after: provinceByName.get(after),
      };
    });
  const landsdeelOf = new Map(sources.indelingen2015.map((i) => [i.provincie, i.landsdeel]));
  const corop2015 = new Map(sources.indelingen2015.map((i) => [i.code, i.corop]));
  const provincieOf = new Map(gemeenten.map((g) => [g.code, g.provincie]));

  for (let year = FIRST_REGISTER_YEAR; year <= LAST_REGISTER_YEAR; year++) {
    for (const code of codesOf(year)) {
      let provincie = provincieOf.get(code) ?? '';
      let basis = CBS_CODES;
      for (const move of provinceMoves) {
        if (move.code === code && `${year}-01-01` < move.date && move.before) {
          provincie = move.before;
          basis = `${CBS_CODES}, provinciale wijziging ${move.date}`;
        }
      }
      parents.push({ year, code, classification: 'land', parent: 'NL01', basis: CBS_CODES });
      if (provincie) {
        parents.push({ year, code, classification: 'provincie', parent: provincie, basis });
        const landsdeel = landsdeelOf.get(provincie);
        if (landsdeel)
          parents.push({
            year,
            code,
            classification: 'landsdeel',
            parent: landsdeel,
            basis: 'provincie -> landsdeel',
          });
      }
      const corop = coropOf(code, year, corop2015, crosswalk);
      if (corop)
        parents.push({ year, code, classification: 'corop', parent: corop.code, basis: corop.basis });
    }
  }
  for (const e of sources.codeList.filter((e) => e.kind === 'corop' && e.provincie)) {
    for (let year = FIRST_REGISTER_YEAR; year <= LAST_REGISTER_YEAR; year++) {
      parents.push({
        year,
        code: e.code,
        classification: 'provincie',
        parent: e.provincie,
        basis: CBS_CODES,
      });
    }
  }

  addWijkenBuurten(sources, regions, years, parents);
  addCustomRegions(custom, regions, years, parents, codesOf, crosswalk);
  return { regions, years, parents, transfers, population };
}

// A new name under a new code ends the old code: everything goes over to the new one.
function isCodeChange(c: { event: string; direction: string; subject: string; other: string }): boolean {
  return c.event === 'Naamswijziging' && c.direction === 'nieuwe naam' && c.other !== c.subject;
}

/**
 * The code list leaves some dates empty: gemeenten formed recently have no begin date, and codes
 * ended by a renaming have no end date. The change history has both.
 */
function withEventDates(sources: RegisterSources): RegisterSources['codeList'] {
  const first = (code: string, match: (c: RegisterSources['changes'][number]) => boolean) =>
    sources.changes
      .filter((c) => c.subject === code && match(c))
      .map((c) => c.date)
      .sort()[0];
  return sources.codeList.map((e) => {
    if (e.kind !== 'gemeente') return e;
    const begin =
      e.begin ??
      (e.beforeRecords
        ? undefined
        : first(e.code, (c) => c.direction === 'ontvangen van' || c.direction === 'oude naam'));
    const end = e.end ?? first(e.code, (c) => c.event === 'Opgeheven' || isCodeChange(c));
    return { ...e, begin, end };
  });
}

function coropOf(
  code: string,
  year: number,
  corop2015: ReadonlyMap<string, string>,
  crosswalk: (from: number, to: number) => Crosswalk,
): { code: string; basis: string } | undefined {
  const known = year >= COROP_YEAR ? corop2015.get(code) : undefined;
  if (known) return { code: known, basis: `CBS gebiedsindelingen ${COROP_YEAR}` };
  // Other years: the COROP of the 2015 gemeenten the area consists of (or went into), when they agree.
  const links =
    year < COROP_YEAR
      ? crosswalk(year, COROP_YEAR)
          .links.filter((l) => l.from === code)
          .map((l) => l.to)
      : crosswalk(COROP_YEAR, year)
          .links.filter((l) => l.to === code)
          .map((l) => l.from);
  const found = new Set(links.map((c) => corop2015.get(c)).filter((c): c is string => c !== undefined));
  if (found.size !== 1) return undefined;
  return {
    code: [...found][0]!,
    basis: `derived from the ${COROP_YEAR} gemeenten it ${year < COROP_YEAR ? 'went into' : 'came from'}`,
  };
}

function addWijkenBuurten(
  sources: RegisterSources,
  regions: RegionRow[],
  years: RegionYearRow[],
  parents: ParentRow[],
) {
  const known = new Set(regions.map((r) => r.code));
  const names = new Map<string, string>();
  for (const [, entries] of [...sources.wijkBuurt].sort(([a], [b]) => a - b)) {
    for (const e of entries) if (e.name) names.set(e.code, e.name);
  }
  for (const [year, entries] of [...sources.wijkBuurt].sort(([a], [b]) => a - b)) {
    for (const e of entries) {
      if (e.level === 'gemeente') continue;
      const name = e.name || names.get(e.code) || e.code;
      if (!known.has(e.code)) {
        known.add(e.code);
        regions.push({
          code: e.code,
          name,
          level: e.level,
          validFrom: null,
          validTo: null,
          source: CBS_KWB(year),
        });
      }
      years.push({ year, code: e.code, name, level: e.level });
      parents.push({
        year,
        code: e.code,
        classification: 'gemeente',
        parent: e.gemeente,
        basis: CBS_KWB(year),
      });
      // A buurt code is its wijk's code plus two digits.
      if (e.level === 'buurt') {
        parents.push({
          year,
          code: e.code,
          classification: 'wijk',
          parent: `WK${e.code.slice(2, 8)}`,
          basis: 'code structure',
        });
      }
    }
  }
}

function addCustomRegions(
  custom: readonly CustomRegion[],
  regions: RegionRow[],
  years: RegionYearRow[],
  parents: ParentRow[],
  codesOf: (year: number) => readonly string[],
  crosswalk: (from: number, to: number) => Crosswalk,
) {
  for (const region of custom) {
    regions.push({
      code: region.code,
      name: region.name,
      level: 'custom',
      validFrom: null,
      validTo: null,
      source: 'data center definition',
    });
    const members = new Set(region.members.codes);
    if (region.members.level === 'gemeente') {
      for (let year = FIRST_REGISTER_YEAR; year <= LAST_REGISTER_YEAR; year++) {
        const reference = region.members.year;
        // A gemeente belongs in a year when most of it lies in (or came from) the members.
        const share = new Map<string, number>();
        if (year === reference) for (const c of members) share.set(c, 1);
        else if (year < reference) {
          for (const l of crosswalk(year, reference).links)
            if (members.has(l.to)) share.set(l.from, (share.get(l.from) ?? 0) + l.weight);
        } else {
          const inflow = new Map<string, { in: number; all: number }>();
          for (const l of crosswalk(reference, year).links) {
            const t = inflow.get(l.to) ?? { in: 0, all: 0 };
            t.all += l.weight;
            if (members.has(l.from)) t.in += l.weight;
            inflow.set(l.to, t);
          }
          for (const [code, t] of inflow) share.set(code, t.in / t.all);
        }
        const inYear = codesOf(year).filter((c) => (share.get(c) ?? 0) > 0.5);
        if (inYear.length === 0) continue;
        years.push({ year, code: region.code, name: region.name, level: 'custom' });
        for (const code of inYear) {
          const basis =
            year === reference
              ? 'data center definition'
              : `derived from the ${reference} definition through the crosswalk`;
          parents.push({ year, code, classification: 'custom', parent: region.code, basis });
        }
      }
    } else {
      // Wijk and buurt codes are reused with other boundaries, so only years listing the same codes count.
      const byYear = new Map<number, Set<string>>();
      for (const r of years)
        if (r.level === region.members.level)
          byYear.set(r.year, (byYear.get(r.year) ?? new Set()).add(r.code));
      for (const [year, codes] of byYear) {
        if (![...members].every((c) => codes.has(c))) continue;
        years.push({ year, code: region.code, name: region.name, level: 'custom' });
        for (const code of members) {
          parents.push({
            year,
            code,
            classification: 'custom',
            parent: region.code,
            basis: year === region.members.year ? 'data center definition' : 'same codes in that year',
          });
        }
      }
    }
  }
}

function populationRows(
  sources: RegisterSources,
  codes: readonly string[],
  nameOf: ReadonlyMap<string, string>,
): PopulationRow[] {
  const nameCount = new Map<string, number>();
  for (const code of codes) {
    const name = nameOf.get(code) ?? '';
    nameCount.set(name, (nameCount.get(name) ?? 0) + 1);
  }
  const rows: PopulationRow[] = [];
  for (const code of codes) {
    const name = nameOf.get(code) ?? '';
    // 37230ned names regions; a name two gemeenten shared cannot be told apart, so it is skipped.
    if (nameCount.get(name) !== 1) continue;
    for (const [year, inhabitants] of sources.populationByName.get(name) ?? [])
      rows.push({ year, code, inhabitants });
  }
  return rows;
}

function lookup(rows: readonly PopulationRow[]) {
  const index = new Map(rows.map((r) => [`${r.code}:${r.year}`, r.inhabitants]));
  return (code: string, year: number) => index.get(`${code}:${year}`);
}
