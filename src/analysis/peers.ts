// Peer areas: the k areas of the same level most alike on size, urbanity and household
// composition, with the choice explained (docs/analysis.md, "Peers").
import type { Store } from '../store/index.js';
import { mean, standardDeviation } from './stats.js';
import {
  AnalysisError,
  indicatorInfo,
  levelValues,
  regionInfo,
  regionSeries,
  type IndicatorInfo,
  type AnalysisScope,
} from './values.js';

/** A peer variable: an indicator id, or alternatives of which the first with a value for the area is used. */
export type PeerVariable = string | readonly string[];

/** Size, urbanity (address density, else population density) and household composition. */
export const DEFAULT_PEER_VARIABLES: readonly PeerVariable[] = [
  'inwoners',
  ['omgevingsadressendichtheid', 'bevolkingsdichtheid'],
  'aandeel_eenpersoonshuishoudens',
  'aandeel_huishoudens_met_kinderen',
];

export interface PeerRequest extends AnalysisScope {
  region: string;
  variables?: readonly PeerVariable[];
  k?: number;
  period?: string;
  boundaryYear?: number;
  /** Candidates only inside this region (default: every area of the level in the Netherlands with values). */
  within?: string;
}

export interface PeerVariableUsed {
  id: string;
  title: { nl: string; en: string };
  unit: string;
  /** 'log10': counts are compared on a log scale, so 1,000 vs 2,000 weighs like 10,000 vs 20,000. */
  transform: 'none' | 'log10';
  /** Mean and standard deviation (of the transformed values) over the candidate areas and the area itself. */
  mean: number;
  sd: number;
  value: number;
  z: number;
}

export interface Peer {
  code: string;
  name: string;
  distance: number;
  values: Record<string, number>;
  z: Record<string, number>;
}

export interface PeerResult {
  region: { code: string; name: string; level: string };
  period: string;
  boundaryYear: number;
  k: number;
  candidates: number;
  within: string | null;
  variables: PeerVariableUsed[];
  dropped: { variable: string; reason: string }[];
  peers: Peer[];
  method: string;
  explanation: string;
}

/**
 * The k nearest areas of the region's level: each variable (a count on a log10 scale) standardised
 * to z-scores over all areas with a value for every variable, Euclidean distance between z-score
 * vectors (every variable weighs the same), ties broken by code. Deterministic.
 */
export async function findPeers(store: Store, request: PeerRequest): Promise<PeerResult> {
  const specs = (request.variables ?? DEFAULT_PEER_VARIABLES).map((v) =>
    typeof v === 'string' ? [v] : [...v],
  );
  const k = request.k ?? 10;
  const ids = [...new Set(specs.flat())];
  const infos = new Map<string, IndicatorInfo>();
  for (const id of ids) infos.set(id, await indicatorInfo(store, id, request.access));
  // Which (period, boundary year) the region has values for, per indicator.
  const has = new Map<string, Set<string>>();
  for (const id of ids)
    has.set(
      id,
      new Set(
        (await regionSeries(store, id, [request.region], request.access))
          .filter((v) => v.value !== null)
          .map((v) => `${v.period}|${v.boundaryYear}`),
      ),
    );
  const keys = new Set([...has.values()].flatMap((s) => [...s]));
  const candidatesKeys = [...keys]
    .filter((key) => {
      const [period, by] = key.split('|');
      return (
        (request.period === undefined || period === request.period) &&
        (request.boundaryYear === undefined || Number(by) === request.boundaryYear)
      );
    })
    .map((key) => ({ key, covered: specs.filter((alts) => alts.some((a) => has.get(a)!.has(key))).length }))
    .sort((a, b) => b.covered - a.covered || b.key.localeCompare(a.key));
  if (candidatesKeys.length === 0 || candidatesKeys[0]!.covered === 0)
    throw new AnalysisError(
      `${request.region} has no published value of any peer variable (${ids.join(', ')})${request.period ? ` in ${request.period}` : ''}`,
      'not-found',
    );
  const [period, byText] = candidatesKeys[0]!.key.split('|') as [string, string];
  const boundaryYear = Number(byText);
  const region = await regionInfo(store, request.region, boundaryYear);

  const used: string[] = [];
  const dropped: PeerResult['dropped'] = [];
  for (const alts of specs) {
    const chosen = alts.find((a) => has.get(a)!.has(`${period}|${boundaryYear}`));
    if (chosen) {
      used.push(chosen);
      for (const skipped of alts.slice(0, alts.indexOf(chosen)))
        dropped.push({
          variable: skipped,
          reason: `no value for ${region.code} in ${period}; ${chosen} stands in`,
        });
    } else
      for (const a of alts)
        dropped.push({
          variable: a,
          reason: `no value for ${region.code} in ${period} on the ${boundaryYear} boundaries`,
        });
  }

  // One row per area with a value for every used variable.
  const table = new Map<string, { name: string; raw: Record<string, number> }>();
  for (const [index, id] of used.entries()) {
    const rows = await levelValues(store, {
      indicator: id,
      level: region.level,
      period,
      boundaryYear,
      access: request.access,
      ...(request.within ? { within: request.within } : {}),
    });
    const seen = new Set<string>();
    for (const r of rows) {
      if (r.value === null) continue;
      seen.add(r.region);
      if (index === 0) table.set(r.region, { name: r.name, raw: { [id]: r.value } });
      else if (table.has(r.region)) table.get(r.region)!.raw[id] = r.value;
    }
    for (const code of [...table.keys()]) if (!seen.has(code)) table.delete(code);
  }
  if (!table.has(region.code))
    throw new AnalysisError(
      `${region.code} lies outside ${request.within}: peers within a region are for areas inside it`,
      'invalid',
    );
  const transform = (id: string) => (infos.get(id)!.unit === 'aantal' ? 'log10' : 'none');
  const t = (id: string, x: number) => (transform(id) === 'log10' ? Math.log10(x + 1) : x);
  const codes = [...table.keys()].sort();
  const stats = new Map(
    used.map((id) => {
      const xs = codes.map((c) => t(id, table.get(c)!.raw[id]!));
      return [id, { mean: mean(xs), sd: standardDeviation(xs) }] as const;
    }),
  );
  const z = (id: string, x: number) => {
    const s = stats.get(id)!;
    return s.sd > 0 ? (t(id, x) - s.mean) / s.sd : 0;
  };
  const target = table.get(region.code)!.raw;
  const targetZ = Object.fromEntries(used.map((id) => [id, z(id, target[id]!)]));
  const peers: Peer[] = codes
    .filter((c) => c !== region.code)
    .map((code) => {
      const raw = table.get(code)!.raw;
      const zs = Object.fromEntries(used.map((id) => [id, z(id, raw[id]!)]));
      const distance = Math.sqrt(used.reduce((s, id) => s + (zs[id]! - targetZ[id]!) ** 2, 0));
      return { code, name: table.get(code)!.name, distance, values: raw, z: zs };
    })
    .sort((a, b) => a.distance - b.distance || a.code.localeCompare(b.code))
    .slice(0, k);
  const variables: PeerVariableUsed[] = used.map((id) => ({
    id,
    title: infos.get(id)!.title,
    unit: infos.get(id)!.unit,
    transform: transform(id),
    mean: stats.get(id)!.mean,
    sd: stats.get(id)!.sd,
    value: target[id]!,
    z: targetZ[id]!,
  }));
  const method =
    'Each variable is standardised to z-scores over all candidate areas (counts first on a log10 scale); the distance is the Euclidean distance between z-score vectors, every variable weighing the same; the k nearest areas are the peers (ties by code).';
  const explanation =
    `${region.name} (${region.code}) is compared with ${codes.length - 1} other ${region.level === 'buurt' ? 'buurten' : region.level === 'wijk' ? 'wijken' : `areas of level ${region.level}`}` +
    `${request.within ? ` in ${request.within}` : ''} with values for ${period} on the ${boundaryYear} boundaries, on ` +
    variables
      .map((v) => `${v.title.en.toLowerCase()}${v.transform === 'log10' ? ' (log scale)' : ''}`)
      .join(', ') +
    `. The ${peers.length} nearest in standardised distance are its peers` +
    (peers.length ? `; the nearest is ${peers[0]!.name} (distance ${peers[0]!.distance.toFixed(2)}).` : '.');
  return {
    region: { code: region.code, name: region.name, level: region.level },
    period,
    boundaryYear,
    k,
    candidates: codes.length - 1,
    within: request.within ?? null,
    variables,
    dropped,
    peers,
    method,
    explanation,
  };
}
