import { err, ok, type Result } from '../core/index.js';

/**
 * How a crosswalk weight is known: identity (same year), whole (an area went over entirely),
 * inwoners / woningen / hectare (the share of inhabitants, dwellings or area CBS recorded for a
 * transfer), area_overlap (computed from boundaries of both years).
 */
export type WeightBasis = 'identity' | 'whole' | 'inwoners' | 'woningen' | 'hectare' | 'area_overlap';

/** The share `weight` of region `from` (in the from-year) that lies in region `to` (in the to-year). */
export interface CrosswalkLink {
  from: string;
  to: string;
  weight: number;
  basis: WeightBasis;
  /** False when the weight is an estimate (a share of a split area), true for identity and whole moves. */
  exact: boolean;
}

export interface Crosswalk {
  level: string;
  fromYear: number;
  toYear: number;
  links: CrosswalkLink[];
  /** Transfers that could not be weighted (e.g. no population known); they are left out, and said so. */
  unresolved: string[];
}

/** One transfer from CBS's change history: on `date` part (or all) of `from` went to `to`. */
export interface Transfer {
  date: string;
  from: string;
  to: string;
  /** True when `from` ceased to exist on `date`. */
  dissolved: boolean;
  inwoners?: number | null;
  woningen?: number | null;
  hectare?: number | null;
}

/** Inhabitants of a gemeente at the end of a year, when known. */
export type PopulationOf = (code: string, year: number) => number | undefined;

interface Move {
  to: string;
  share: number;
  exact: boolean;
  basis: WeightBasis;
  dissolved: boolean;
}

interface Share {
  weight: number;
  exact: boolean;
  basis: WeightBasis;
}

/** The crosswalk of a year to itself: every region maps whole onto itself. */
export function identityCrosswalk(level: string, year: number, codes: Iterable<string>): Crosswalk {
  const links = [...codes].map((code) => ({
    from: code,
    to: code,
    weight: 1,
    basis: 'identity' as const,
    exact: true,
  }));
  return { level, fromYear: year, toYear: year, links, unresolved: [] };
}

/**
 * Builds the gemeente crosswalk from the indeling of 1 January `fromYear` to that of 1 January
 * `toYear` by replaying CBS's transfers in date order: an area that went over whole moves its
 * full weight; a dissolved gemeente split over several successors is shared by the inhabitants
 * CBS recorded per part (dwellings, then hectares, when no one lived there); a part split off a
 * continuing gemeente takes the share its inhabitants were of the gemeente's population.
 * Backwards (toYear < fromYear) the forward crosswalk is inverted with population weights.
 */
export function gemeenteCrosswalk(
  fromYear: number,
  toYear: number,
  codesOf: (year: number) => readonly string[],
  transfers: readonly Transfer[],
  population: PopulationOf,
): Result<Crosswalk> {
  const from = codesOf(fromYear);
  const to = codesOf(toYear);
  if (from.length === 0) return err(`no gemeente register for ${fromYear}`);
  if (to.length === 0) return err(`no gemeente register for ${toYear}`);
  if (fromYear === toYear) return ok(identityCrosswalk('gemeente', fromYear, from));
  if (fromYear > toYear) return backward(fromYear, toYear, codesOf, transfers, population);

  const start = `${fromYear}-01-01`;
  const end = `${toYear}-01-01`;
  // state: original code -> (current code -> share)
  const state = new Map<string, Map<string, Share>>(
    from.map((c) => [c, new Map([[c, { weight: 1, exact: true, basis: 'identity' }]])]),
  );
  const unresolved: string[] = [];
  const relevant = transfers.filter((t) => t.date > start && t.date <= end && t.from !== t.to);
  for (const date of [...new Set(relevant.map((t) => t.date))].sort()) {
    const bySource = groupBy(
      relevant.filter((t) => t.date === date),
      (t) => t.from,
    );
    const moves = new Map<string, Move[]>();
    for (const [source, parts] of bySource) {
      const resolved = sharesOf(source, parts, date, population);
      unresolved.push(...resolved.unresolved);
      moves.set(source, resolved.moves);
    }
    for (const current of state.values()) {
      for (const [source, list] of moves) {
        const held = current.get(source);
        if (!held) continue;
        let moved = 0;
        for (const m of list) {
          const add = held.weight * m.share;
          if (add === 0) continue;
          moved += add;
          const before = current.get(m.to);
          current.set(m.to, {
            weight: (before?.weight ?? 0) + add,
            exact: (before?.exact ?? true) && held.exact && m.exact,
            basis: m.basis === 'whole' ? (held.basis === 'identity' ? 'whole' : held.basis) : m.basis,
          });
        }
        const dissolved = list.some((m) => m.dissolved);
        if (dissolved) current.delete(source);
        else if (moved > 0)
          current.set(source, { weight: held.weight - moved, exact: false, basis: list[0]!.basis });
      }
    }
  }

  const target = new Set(to);
  const links: CrosswalkLink[] = [];
  for (const [origin, current] of state) {
    for (const [code, share] of current) {
      if (share.weight <= 1e-12) continue;
      if (!target.has(code)) {
        unresolved.push(`${origin} ended up in ${code}, which is not in the ${toYear} register`);
        continue;
      }
      links.push({
        from: origin,
        to: code,
        weight: share.weight,
        basis: share.basis === 'identity' ? 'identity' : share.basis,
        exact: share.exact,
      });
    }
  }
  return ok({
    level: 'gemeente',
    fromYear,
    toYear,
    links: sortLinks(links),
    unresolved: [...new Set(unresolved)],
  });
}

function sharesOf(
  source: string,
  parts: readonly Transfer[],
  date: string,
  population: PopulationOf,
): { moves: Move[]; unresolved: string[] } {
  const dissolved = parts.some((p) => p.dissolved);
  const unresolved: string[] = [];
  const moves: Move[] = [];
  if (dissolved) {
    if (parts.length === 1) {
      moves.push({ to: parts[0]!.to, share: 1, exact: true, basis: 'whole', dissolved: true });
      return { moves, unresolved };
    }
    // Split over several successors: by inhabitants, else dwellings, else area.
    for (const basis of ['inwoners', 'woningen', 'hectare'] as const) {
      const total = parts.reduce((sum, p) => sum + (p[basis] ?? 0), 0);
      if (total > 0) {
        for (const p of parts)
          moves.push({ to: p.to, share: (p[basis] ?? 0) / total, exact: false, basis, dissolved: true });
        return { moves, unresolved };
      }
    }
    unresolved.push(`${source} was split on ${date} without inhabitants, dwellings or area per part`);
    return { moves, unresolved };
  }
  const year = Number(date.slice(0, 4)) - 1;
  const total = population(source, year);
  for (const p of parts) {
    const people = p.inwoners ?? 0;
    if (people === 0) continue; // a boundary correction without inhabitants moves no one
    if (total === undefined || total <= 0) {
      unresolved.push(
        `${people} inhabitants of ${source} went to ${p.to} on ${date}, but ${source}'s population at the end of ${year} is not known`,
      );
      continue;
    }
    moves.push({
      to: p.to,
      share: Math.min(1, people / total),
      exact: false,
      basis: 'inwoners',
      dissolved: false,
    });
  }
  return { moves, unresolved };
}

// A region of the later year is shared out over the earlier regions it came from, in
// proportion to the inhabitants each brought (forward weight x earlier population).
function backward(
  fromYear: number,
  toYear: number,
  codesOf: (year: number) => readonly string[],
  transfers: readonly Transfer[],
  population: PopulationOf,
): Result<Crosswalk> {
  const forward = gemeenteCrosswalk(toYear, fromYear, codesOf, transfers, population);
  if (!forward.ok) return forward;
  const byTarget = groupBy(forward.value.links, (l) => l.to);
  const links: CrosswalkLink[] = [];
  const unresolved = [...forward.value.unresolved];
  for (const [later, parts] of byTarget) {
    if (parts.length === 1 && parts[0]!.weight === 1) {
      links.push({
        from: later,
        to: parts[0]!.from,
        weight: 1,
        basis: parts[0]!.basis,
        exact: parts[0]!.exact,
      });
      continue;
    }
    const mass = parts.map((p) => ({ part: p, people: (population(p.from, toYear - 1) ?? NaN) * p.weight }));
    const missing = mass.filter((m) => !Number.isFinite(m.people)).map((m) => m.part.from);
    if (missing.length > 0) {
      unresolved.push(
        `${later} cannot be split back into ${missing.join(', ')}: their population at the end of ${toYear - 1} is not known`,
      );
      continue;
    }
    const total = mass.reduce((sum, m) => sum + m.people, 0);
    for (const m of mass)
      links.push({ from: later, to: m.part.from, weight: m.people / total, basis: 'inwoners', exact: false });
  }
  return ok({ level: 'gemeente', fromYear, toYear, links: sortLinks(links), unresolved });
}

function sortLinks(links: CrosswalkLink[]): CrosswalkLink[] {
  return links.sort((x, y) =>
    x.from < y.from ? -1 : x.from > y.from ? 1 : x.to < y.to ? -1 : x.to > y.to ? 1 : 0,
  );
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
