import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { Command, Option } from 'commander';
import {
  BOUNDARY_LEVELS,
  BoundaryImportError,
  CRS_NAMES,
  CoordinateError,
  INVALID,
  MissingGeometryError,
  OUTSIDE,
  WEB_MIN_AREA_M2,
  ensureGeometry,
  importBoundaries,
  loadGeocoder,
  type BoundaryImportReport,
  type BoundaryLevel,
  type BulkGeocode,
  type Crs,
} from '../../regions/geometry/index.js';
import type { Store } from '../../store/index.js';
import { useStore, withStoreOptions, type StoreOptions } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { json } from '../format.js';

interface ImportBoundariesCliOptions extends StoreOptions {
  year: string;
  level: BoundaryLevel;
  codeProperty?: string;
  crs?: Crs;
  object?: string;
  simplify: string;
  includeWater?: boolean;
  skipEmpty?: boolean;
  source?: string;
  json?: boolean;
}

/**
 * `udc regions import-boundaries <file> --year Y --level L`: loads official boundaries (PDOK
 * wijkenbuurten GeoJSON or TopoJSON, RD New or WGS84) into the store, all or nothing.
 */
export function importBoundariesCommand(): Command {
  return withStoreOptions(
    new Command('import-boundaries')
      .description(
        'import gemeente, wijk or buurt boundaries of one year (GeoJSON or TopoJSON, RD New or WGS84), all or nothing',
      )
      .argument('<file>', 'GeoJSON FeatureCollection or TopoJSON file, e.g. a PDOK wijkenbuurten layer')
      .requiredOption('--year <year>', 'the year the boundaries belong to (e.g. 2023)')
      .addOption(
        new Option('--level <level>', 'the level of the features')
          .choices([...BOUNDARY_LEVELS])
          .makeOptionMandatory(),
      )
      .option(
        '--code-property <name>',
        'property holding the region code (default: buurtcode/wijkcode/gemeentecode, statcode, BU_CODE/WK_CODE/GM_CODE or code)',
      )
      .addOption(
        new Option(
          '--crs <crs>',
          "coordinate system (default: the file's crs member, else detected)",
        ).choices([...CRS_NAMES]),
      )
      .option('--object <name>', 'TopoJSON: the object to read (default: the only one)')
      .option(
        '--simplify <m2>',
        'simplification: minimum effective triangle area in m² (0 keeps every vertex)',
        String(WEB_MIN_AREA_M2),
      )
      .option('--include-water', 'keep features marked water = JA (skipped by default)')
      .option('--skip-empty', 'skip and list features without any area instead of rejecting the file')
      .option('--source <text>', 'source recorded with the boundaries (default: the file path)')
      .option('--json', 'print the report as JSON'),
  ).action(async (file: string, options: ImportBoundariesCliOptions) => {
    const year = parseYear(options.year);
    const minArea = Number(options.simplify);
    if (!Number.isFinite(minArea) || minArea < 0) {
      throw new CliError(
        `--simplify ${options.simplify}: expected an area in m² of 0 or more (default ${WEB_MIN_AREA_M2})`,
        EXIT.usage,
      );
    }
    if (!existsSync(file)) throw new CliError(`${file}: no such file`, EXIT.unavailable);
    const report = await useStore(options, (store) =>
      importBoundaries(store, file, {
        year,
        level: options.level,
        codeProperty: options.codeProperty,
        crs: options.crs,
        object: options.object,
        minArea,
        includeWater: options.includeWater,
        skipEmpty: options.skipEmpty,
        source: options.source,
      }).catch((error: unknown) => {
        if (error instanceof BoundaryImportError)
          throw new CliError(`nothing was imported:\n${error.message}`, EXIT.invalidInput);
        throw error;
      }),
    );
    process.stdout.write(options.json ? `${json(report)}\n` : describeImport(report));
  });
}

/** The human summary of a boundary import. */
export function describeImport(r: BoundaryImportReport): string {
  const l = r.layer;
  const lines = [
    `stored ${r.regionsStored} ${r.level} boundaries for ${r.year} from ${r.file}`,
    `  read ${r.featuresRead} features (${r.format === 'topojson' ? 'TopoJSON' : 'GeoJSON'}, ${r.crs === 'rd' ? 'RD New, converted to WGS84' : 'WGS84'}, codes from "${r.codeProperty}")`,
    `  simplified ${l.positionsIn} -> ${l.positionsOut} positions (min area ${l.minArea} m², largest shift ${l.maxShiftMetres.toFixed(1)} m); ${l.sharedArcs} of ${l.arcs} border arcs shared by neighbours, kept identical`,
  ];
  if (r.skippedWater > 0)
    lines.push(`  skipped ${r.skippedWater} water features (use --include-water to keep them)`);
  if (r.mergedFeatures > 0)
    lines.push(`  merged ${r.mergedFeatures} features into regions with the same code`);
  if (r.skippedEmpty.length > 0)
    lines.push(
      `  skipped ${r.skippedEmpty.length} features without area: ${r.skippedEmpty.map((s) => `${s.code} (features[${s.feature}])`).join(', ')}`,
    );
  if (l.loopsCut > 0 || l.repairedFeatures.length > 0) {
    lines.push(
      `  repaired the source: ${l.loopsCut} self-crossing loops cut, ${l.repairedFeatures.length} features made valid`,
    );
  }
  if (l.restoredArcs > 0)
    lines.push(`  kept ${l.restoredArcs} arcs at full detail where simplifying would break a polygon`);
  return `${lines.join('\n')}\n`;
}

interface GeocodeCliOptions extends StoreOptions {
  input: string;
  x: string;
  y: string;
  crs?: Crs;
  level: BoundaryLevel;
  year: string;
  output?: string;
  json?: boolean;
}

/**
 * `udc regions geocode --input points.csv --x col --y col --level L --year Y`: assigns every
 * point to the region of that level and year containing it. The output is the input with two
 * columns added (the region code, and inside/outside/invalid); points outside every area and
 * rows with unusable coordinates are listed with their row, never dropped.
 */
export function geocodeCommand(): Command {
  return withStoreOptions(
    new Command('geocode')
      .description(
        'assign point records (RD New or WGS84) to the buurt, wijk or gemeente of a year containing them',
      )
      .requiredOption('--input <file>', 'CSV file with one point per row')
      .requiredOption('--x <column>', 'column with x (RD New) or longitude (WGS84)')
      .requiredOption('--y <column>', 'column with y (RD New) or latitude (WGS84)')
      .addOption(
        new Option('--crs <crs>', 'coordinate system of the points (default: detected)').choices([
          ...CRS_NAMES,
        ]),
      )
      .addOption(
        new Option('--level <level>', 'the level to assign')
          .choices([...BOUNDARY_LEVELS])
          .makeOptionMandatory(),
      )
      .requiredOption('--year <year>', 'the year whose boundaries to use')
      .option(
        '--output <file>',
        'write the CSV here (default: standard output, the summary then goes to standard error)',
      )
      .option('--json', 'print the summary as JSON'),
  ).action(async (options: GeocodeCliOptions) => {
    const year = parseYear(options.year);
    if (!existsSync(options.input)) throw new CliError(`${options.input}: no such file`, EXIT.unavailable);
    await useStore(options, async (store) => {
      await ensureGeometry(store);
      const geocoder = await loadGeocoder(store, options.level, year).catch((error: unknown) => {
        if (error instanceof MissingGeometryError) throw new CliError(error.message, EXIT.invalidInput);
        throw error;
      });
      const points = await readPoints(store, options.input, options.x, options.y);
      let result: BulkGeocode;
      try {
        result = geocoder.locateMany(points.xs, points.ys, {
          crs: options.crs,
          where: `${options.input} (columns ${options.x}, ${options.y})`,
        });
      } catch (error) {
        if (error instanceof CoordinateError) throw new CliError(error.message, EXIT.invalidInput);
        throw error;
      }
      const column = freeName(points.header, `${options.level}_${year}`);
      const status = freeName([...points.header, column], 'geocode_status');
      const toStdout = !options.output;
      const out: Writable = options.output ? createWriteStream(options.output) : process.stdout;
      await writeCsv(out, points, result, column, status);
      if (options.output) {
        out.end();
        await once(out, 'finish');
      }
      const summary = summarise(options, result);
      const text = options.json ? `${json(summary)}\n` : describeGeocode(summary);
      (toStdout ? process.stderr : process.stdout).write(text);
    });
  });
}

/** Row numbers as a spreadsheet shows them: the header is row 1, the first point row 2. */
const rowNumber = (index: number) => index + 2;

interface GeocodeSummary {
  input: string;
  output: string;
  level: BoundaryLevel;
  year: number;
  crs: Crs;
  points: number;
  inside: number;
  outside: number;
  invalid: number;
  outsideRows: number[];
  invalidRows: { row: number; reason: string }[];
}

function summarise(options: GeocodeCliOptions, r: BulkGeocode): GeocodeSummary {
  return {
    input: options.input,
    output: options.output ?? '(standard output)',
    level: options.level,
    year: Number(options.year),
    crs: r.crs,
    points: r.area.length,
    inside: r.area.length - r.outside.length - r.invalid.length,
    outside: r.outside.length,
    invalid: r.invalid.length,
    outsideRows: r.outside.map(rowNumber),
    invalidRows: r.invalid.map((i) => ({ row: rowNumber(i.index), reason: i.reason })),
  };
}

function describeGeocode(s: GeocodeSummary): string {
  const list = (rows: number[]) =>
    rows.slice(0, 20).join(', ') + (rows.length > 20 ? ` ... (${rows.length - 20} more)` : '');
  const lines = [
    `geocoded ${s.points} points from ${s.input} (${s.crs === 'rd' ? 'RD New' : 'WGS84'}) to ${s.level} ${s.year}: ${s.inside} inside an area`,
  ];
  if (s.outside > 0) {
    lines.push(
      `  ${s.outside} ${s.outside === 1 ? 'point lies' : 'points lie'} outside every ${s.level} of ${s.year}: row${s.outside === 1 ? '' : 's'} ${list(s.outsideRows)}`,
    );
  }
  if (s.invalid > 0) {
    lines.push(`  ${s.invalid} ${s.invalid === 1 ? 'row has' : 'rows have'} unusable coordinates:`);
    for (const i of s.invalidRows.slice(0, 20)) lines.push(`    row ${i.row}: ${i.reason}`);
    if (s.invalid > 20) lines.push(`    ... (${s.invalid - 20} more)`);
  }
  lines.push(
    `  (row numbers count the header as row 1; the output marks each row inside, outside or invalid)`,
  );
  return `${lines.join('\n')}\n`;
}

interface Points {
  header: string[];
  rows: Record<string, unknown>[];
  xs: Float64Array;
  ys: Float64Array;
}

/** Reads the CSV with the engine's reader (delimiter and quoting detected), every column as text. */
async function readPoints(store: Store, file: string, x: string, y: string): Promise<Points> {
  return store.transaction(async (tx) => {
    // A temporary table lives on one connection: the transaction keeps us on it.
    await tx
      .run(
        `CREATE OR REPLACE TEMP TABLE geocode_input AS SELECT * FROM read_csv($1, header = true, all_varchar = true)`,
        [file],
      )
      .catch((error: unknown) => {
        throw new CliError(
          `${file}: cannot read it as CSV: ${(error as Error).message.split('\n')[0]}`,
          EXIT.invalidInput,
        );
      });
    try {
      const header = (
        await tx.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE geocode_input)`)
      ).map((c) => c.column_name);
      const missing = [x, y].filter((c) => !header.includes(c));
      if (missing.length > 0) {
        throw new CliError(
          `${file}: no column ${missing.map((m) => `"${m}"`).join(' or ')}; the header has ${header.map((h) => `"${h}"`).join(', ')}`,
          EXIT.invalidInput,
        );
      }
      const rows = await tx.all('SELECT * FROM geocode_input ORDER BY rowid');
      const xs = new Float64Array(rows.length);
      const ys = new Float64Array(rows.length);
      rows.forEach((row, i) => {
        xs[i] = toNumber(row[x]);
        ys[i] = toNumber(row[y]);
      });
      return { header, rows, xs, ys };
    } finally {
      await tx.run('DROP TABLE IF EXISTS geocode_input');
    }
  });
}

/** A coordinate as written (decimal point or comma); NaN when empty or not a number. */
function toNumber(value: unknown): number {
  if (value === null || value === undefined) return NaN;
  const text = String(value).trim().replace(',', '.');
  return text === '' ? NaN : Number(text);
}

function freeName(taken: readonly string[], wanted: string): string {
  let name = wanted;
  for (let i = 2; taken.includes(name); i++) name = `${wanted}_${i}`;
  return name;
}

async function writeCsv(
  out: Writable,
  points: Points,
  result: BulkGeocode,
  column: string,
  status: string,
): Promise<void> {
  const quote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  const names = points.header;
  let chunk = [...names, column, status].map(quote).join(',') + '\n';
  for (let i = 0; i < points.rows.length; i++) {
    const row = points.rows[i]!;
    const a = result.area[i]!;
    const code = a >= 0 ? result.codes[a]! : '';
    const state = a >= 0 ? 'inside' : a === OUTSIDE ? 'outside' : a === INVALID ? 'invalid' : '';
    chunk +=
      names.map((n) => quote(row[n] === null || row[n] === undefined ? '' : String(row[n]))).join(',') +
      `,${code},${state}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  if (!out.write(chunk)) await once(out, 'drain');
}

export function parseYear(text: string): number {
  const year = Number(text);
  if (!Number.isInteger(year) || year < 1800 || year > 2200)
    throw new CliError(`--year ${text}: expected a calendar year such as 2023`, EXIT.usage);
  return year;
}
