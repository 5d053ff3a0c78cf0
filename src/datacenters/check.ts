// Checks a data center against the indicator library and the region register: every indicator it
// selects exists (shared or local) under the theme it is listed in, its region and home gemeenten
// are in the register, its home gemeenten lie in its region. Problems name file, line and column.
import { loadLibrary, type IndicatorLibrary } from '../indicators/library.js';
import { LAST_REGISTER_YEAR } from '../regions/register/build.js';
import type { Store } from '../store/index.js';
import { DATACENTERS_DIR } from '../regions/register/store.js';
import { readDatacenters, type Datacenter } from './config.js';
import { problemAt, readYamlFile } from './yaml.js';

/** The shared library plus the data center's local indicators (which add, never replace). */
export async function datacenterLibrary(datacenter: Datacenter): Promise<IndicatorLibrary> {
  return loadLibrary(
    datacenter.localIndicators ? { local: { name: datacenter.id, dir: datacenter.localIndicators } } : {},
  );
}

/**
 * The shared library plus the local indicators of every data center under `root`: what one
 * installation builds, so each data center's additions are computed alongside the shared ones.
 */
export async function installationLibrary(root = DATACENTERS_DIR): Promise<IndicatorLibrary> {
  const datacenters = await readDatacenters(root);
  return loadLibrary({
    local: datacenters.filter((d) => d.localIndicators).map((d) => ({ name: d.id, dir: d.localIndicators! })),
  });
}

/** What a data center selects, resolved against the library: theme by theme, its indicator ids. */
export function selectedIndicators(
  datacenter: Datacenter,
  library: IndicatorLibrary,
): { theme: string; indicators: string[] }[] {
  return datacenter.themes.map((t) => ({
    theme: t.id,
    indicators: t.indicators ?? library.indicators.filter((i) => i.theme === t.id).map((i) => i.id),
  }));
}

export interface DatacenterCheck {
  datacenter: string;
  problems: string[];
  /** Indicators selected, local indicators among them, members of the region per register year checked. */
  summary: { indicators: number; local: number; members: Record<number, number> };
}

/**
 * Checks a data center's selections against its library and, with a store, against the region
 * register (its region's members in `years`, the home gemeenten and fixed peer areas in the newest
 * year). Never throws for a wrong configuration: the problems are returned.
 */
export async function checkDatacenter(
  datacenter: Datacenter,
  options: { library: IndicatorLibrary; store?: Store; years?: readonly number[] },
): Promise<DatacenterCheck> {
  const { doc } = await readYamlFile(datacenter.file);
  const at = (path: (string | number)[], message: string) =>
    doc ? problemAt(doc, path, message) : `${datacenter.file}: ${path.join('.')}: ${message}`;
  const problems: string[] = [];
  const byId = new Map(options.library.indicators.map((i) => [i.id, i]));
  datacenter.themes.forEach((t, ti) => {
    if (!options.library.themes.some((x) => x.id === t.id))
      problems.push(at(['themes', ti, 'id'], `the library has no theme ${t.id}`));
    (t.indicators ?? []).forEach((id, ii) => {
      const found = byId.get(id);
      if (!found)
        problems.push(
          at(['themes', ti, 'indicators', ii], `the library (shared and local) has no indicator ${id}`),
        );
      else if (found.theme !== t.id)
        problems.push(
          at(
            ['themes', ti, 'indicators', ii],
            `indicator ${id} belongs to theme ${found.theme}, not ${t.id}`,
          ),
        );
    });
  });
  datacenter.peers.variables.forEach((v, i) => {
    for (const [j, id] of (typeof v === 'string' ? [v] : v).entries())
      if (!byId.has(id))
        problems.push(
          at(
            ['peers', 'variables', i, ...(typeof v === 'string' ? [] : [j])],
            `the library has no indicator ${id}`,
          ),
        );
  });
  const members: Record<number, number> = {};
  if (options.store) {
    const store = options.store;
    const inRegister = async (code: string, year: number) =>
      store.one<{ level: string }>('SELECT level FROM region_year WHERE code = $1 AND year = $2', [
        code,
        year,
      ]);
    for (const year of options.years ?? [LAST_REGISTER_YEAR]) {
      const n = await store.one<{ n: number }>(
        `SELECT count(*) AS n FROM region_parent WHERE year = $1 AND parent = $2 AND classification = 'custom'`,
        [year, datacenter.region],
      );
      members[year] = Number(n?.n ?? 0);
      if (!(await inRegister(datacenter.region, year)))
        problems.push(
          at(
            ['region'],
            `${datacenter.region} is not in the ${year} register (is it in ${datacenter.id}/regions.yaml?)`,
          ),
        );
    }
    for (const [i, code] of datacenter.home.entries()) {
      const found = await inRegister(code, LAST_REGISTER_YEAR);
      if (found?.level !== 'gemeente')
        problems.push(at(['home', i], `${code} is not a gemeente of ${LAST_REGISTER_YEAR}`));
      else if (datacenter.region.startsWith('X_')) {
        const inside = await store.one(
          `SELECT 1 AS x FROM region_parent WHERE year = $1 AND code = $2 AND parent = $3`,
          [LAST_REGISTER_YEAR, code, datacenter.region],
        );
        if (!inside)
          problems.push(at(['home', i], `${code} does not lie in the region ${datacenter.region}`));
      }
    }
    for (const [i, code] of datacenter.peers.areas.entries()) {
      if (!(await inRegister(code, LAST_REGISTER_YEAR)))
        problems.push(at(['peers', 'areas', i], `${code} is not in the ${LAST_REGISTER_YEAR} register`));
    }
  }
  const selected = selectedIndicators(datacenter, options.library).flatMap((t) => t.indicators);
  return {
    datacenter: datacenter.id,
    problems,
    summary: {
      indicators: selected.length,
      local: selected.filter((id) => byId.get(id)?.library === datacenter.id).length,
      members,
    },
  };
}
