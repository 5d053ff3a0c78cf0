import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitCsvLine } from '../../sources/files/csv-dialect.js';

/** The bundled CBS region files (data/regions, SOURCES.md there says where each comes from). */
export const REGIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../data/regions');
export const BOUNDARIES_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../data/boundaries');

/** One row of the CBS region code list of 03759ned (every gemeente since 1830, provincies, COROP). */
export interface CodeListEntry {
  code: string;
  name: string;
  kind: string;
  provincie: string;
  /** ISO date; undefined when CBS gives none or 'voor 1830' (then beforeRecords is true). */
  begin: string | undefined;
  beforeRecords: boolean;
  end: string | undefined;
}

/** One line of CBS's change history: subject's part went to (or came from) other. */
export interface ChangeEvent {
  subject: string;
  subjectName: string;
  event: string;
  date: string;
  direction: string;
  other: string;
  hectare: number | undefined;
  woningen: number | undefined;
  inwoners: number | undefined;
}

export interface WijkBuurtEntry {
  code: string;
  name: string;
  level: 'gemeente' | 'wijk' | 'buurt';
  gemeente: string;
}

export interface RegisterSources {
  codeList: CodeListEntry[];
  changes: ChangeEvent[];
  /** Gemeente -> provincie, landsdeel, COROP as of 2015 (CBS gebiedsindelingen). */
  indelingen2015: { code: string; provincie: string; landsdeel: string; corop: string }[];
  /** Every gemeente, wijk and buurt code of a year, by year. */
  wijkBuurt: Map<number, WijkBuurtEntry[]>;
  /** Inhabitants at the end of each year, by gemeente name (StatLine export of 37230ned). */
  populationByName: Map<string, Map<number, number>>;
}

/** Reads every bundled register source. */
export async function readRegisterSources(
  dir = REGIONS_DIR,
  boundaries = BOUNDARIES_DIR,
): Promise<RegisterSources> {
  const [codes, changes, indelingen, kwb2020, kwb2024, wijken2014, population] = await Promise.all([
    readCsv(join(dir, 'cbs_regiocodes_03759ned_2026.csv')),
    readCsv(join(dir, 'cbs_gemeente_wijzigingen_03759ned_2026.csv')),
    readCsv(join(dir, 'gemeenten_2015_indelingen_corop_provincie.csv')),
    readCsv(join(dir, 'kwb2020_84799NED_wijkenbuurten_codelijst.csv')),
    readFile(join(dir, 'kwb2024_85984NED_gemeenten_wijken_8vars.json'), 'utf8'),
    readFile(join(boundaries, 'wijken_2014_groningen_assen_wgs84_q1e3.geojson'), 'utf8'),
    readFile(join(dir, 'cbs_37230ned_bevolking_einde_periode_regio_2002_2024_statline_export.csv'), 'utf8'),
  ]);
  const wijkBuurt = new Map<number, WijkBuurtEntry[]>();
  wijkBuurt.set(
    2020,
    kwb2020
      .filter((r) => r['soort'] !== 'land')
      .map((r) => ({
        code: r['code']!,
        name: r['naam']!,
        level: r['soort'] as WijkBuurtEntry['level'],
        gemeente: r['gemeente_code']!,
      })),
  );
  // 85984NED (2024) as bundled has codes and figures, no names: names come from the register.
  wijkBuurt.set(
    2024,
    Object.keys(JSON.parse(kwb2024) as Record<string, unknown>).map((code) => ({
      code,
      name: '',
      level: code.startsWith('GM') ? 'gemeente' : 'wijk',
      gemeente: `GM${code.slice(2, 6)}`,
    })),
  );
  const features = (JSON.parse(wijken2014) as { features: { properties: Record<string, string> }[] })
    .features;
  wijkBuurt.set(
    2014,
    features.map((f) => ({
      code: f.properties['statcode']!,
      name: f.properties['statnaam']!,
      level: 'wijk',
      gemeente: f.properties['gemeentecode']!,
    })),
  );
  return {
    codeList: codes.map((r) => ({
      code: r['code']!,
      name: r['naam']!,
      kind: r['soort']!,
      provincie: r['provincie_code'] ?? '',
      begin: isoOrUndefined(r['begindatum']),
      beforeRecords: r['begindatum'] === 'voor 1830',
      end: isoOrUndefined(r['einddatum_opgeheven']),
    })),
    changes: changes.map((r) => ({
      subject: r['subject_code']!,
      subjectName: r['subject_name']!,
      event: r['event_type']!,
      date: r['event_date']!,
      direction: r['direction']!,
      other: r['other_code'] ?? '',
      hectare: numberOrUndefined(r['hectare']),
      woningen: numberOrUndefined(r['woningen']),
      inwoners: numberOrUndefined(r['inwoners']),
    })),
    indelingen2015: indelingen.map((r) => ({
      code: r['statcode']!,
      provincie: r['provincie']!,
      landsdeel: r['landsdeel']!,
      corop: r['corop_gebied']!,
    })),
    wijkBuurt,
    populationByName: parseStatlineExport(population),
  };
}

async function readCsv(file: string): Promise<Record<string, string>[]> {
  const lines = (await readFile(file, 'utf8'))
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l !== '');
  const header = splitCsvLine(lines[0]!, ',');
  return lines.slice(1).map((line) => {
    const cells = splitCsvLine(line, ',');
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}

// A StatLine "export to CSV": title lines, a header with the years, then one line per region.
function parseStatlineExport(text: string): Map<string, Map<number, number>> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.startsWith('"Regio\'s"'));
  const years = splitCsvLine(lines[headerIndex]!, ';').slice(3).map(Number);
  const byName = new Map<string, Map<number, number>>();
  for (const line of lines.slice(headerIndex + 1)) {
    const cells = splitCsvLine(line, ';');
    if (cells.length < 4 || !cells[0]) continue;
    const values = new Map<number, number>();
    cells.slice(3).forEach((cell, i) => {
      if (cell !== '' && Number.isFinite(Number(cell))) values.set(years[i]!, Number(cell));
    });
    byName.set(cells[0], values);
  }
  return byName;
}

function isoOrUndefined(text: string | undefined): string | undefined {
  return text && /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : undefined;
}

function numberOrUndefined(text: string | undefined): number | undefined {
  return text === undefined || text === '' ? undefined : Number(text);
}
