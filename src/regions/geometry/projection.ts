import proj4 from 'proj4';

/**
 * Coordinate systems udc reads: RD New (Rijksdriehoeksstelsel, EPSG:28992, metres) and WGS84
 * longitude/latitude (EPSG:4326 in GeoJSON axis order, i.e. OGC CRS84). Geometry is stored in WGS84.
 */
export type Crs = 'rd' | 'wgs84';

/** The coordinate systems by their user-facing names, for option parsing. */
export const CRS_NAMES: readonly Crs[] = ['rd', 'wgs84'];

/**
 * The official EPSG:28992 definition (as published by EPSG and used by PROJ): oblique stereographic
 * on the Bessel 1841 ellipsoid with the 7-parameter Helmert shift "Amersfoort to WGS 84 (3)"
 * (EPSG:15739). Against the official RDNAPTRANS(TM) procedure, which adds a correction grid, this
 * differs by less than a metre on land: far below the precision geocoding to a buurt needs.
 */
export const RD_NEW_PROJ4 =
  '+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 ' +
  '+ellps=bessel +towgs84=565.417,50.3319,465.552,-0.398957,0.343988,-1.8774,4.0725 +units=m +no_defs';

proj4.defs('EPSG:28992', RD_NEW_PROJ4);
const rdToWgs = proj4('EPSG:28992', 'WGS84');

/** A rectangle in some coordinate system. */
export interface Envelope {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/**
 * Where RD New is defined (the EPSG:28992 bounds, x -7 000..300 000, y 289 000..629 000) with a
 * margin of 10 km, so North Sea and border points still count as RD.
 */
export const RD_ENVELOPE: Envelope = { minX: -17_000, minY: 279_000, maxX: 310_000, maxY: 639_000 };

/**
 * The Netherlands in WGS84 (EPSG:28992's area of use, lon 3.20..7.22, lat 50.75..53.70), with a
 * margin of about 0.2 degree for the same reason.
 */
export const WGS84_ENVELOPE: Envelope = { minX: 3.0, minY: 50.55, maxX: 7.45, maxY: 53.9 };

/** A coordinate that is in neither RD New nor WGS84 in the Netherlands, or a file whose CRS is not supported. */
export class CoordinateError extends Error {
  override readonly name = 'CoordinateError';
}

/** RD New (x, y metres) to WGS84 [longitude, latitude]. */
export function rdToWgs84(x: number, y: number): [number, number] {
  const [lon, lat] = rdToWgs.forward([x, y]);
  return [lon!, lat!];
}

/** WGS84 (longitude, latitude) to RD New [x, y] in metres. */
export function wgs84ToRd(lon: number, lat: number): [number, number] {
  const [x, y] = rdToWgs.inverse([lon, lat]);
  return [x!, y!];
}

/** Converts a coordinate pair from `crs` to WGS84 [longitude, latitude]. */
export function toWgs84(x: number, y: number, crs: Crs): [number, number] {
  return crs === 'wgs84' ? [x, y] : rdToWgs84(x, y);
}

/** Converts WGS84 (longitude, latitude) to `crs`. */
export function fromWgs84(lon: number, lat: number, crs: Crs): [number, number] {
  return crs === 'wgs84' ? [lon, lat] : wgs84ToRd(lon, lat);
}

function inside(e: Envelope, x: number, y: number): boolean {
  return x >= e.minX && x <= e.maxX && y >= e.minY && y <= e.maxY;
}

/** How a coordinate pair reads: RD New, WGS84 lon/lat, WGS84 with latitude first, or none of these. */
export type CoordinateReading = Crs | 'wgs84-swapped' | 'unknown';

/** Says which system a single coordinate pair fits, within the Netherlands (ranges never overlap). */
export function readCoordinate(x: number, y: number): CoordinateReading {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return 'unknown';
  if (inside(RD_ENVELOPE, x, y)) return 'rd';
  if (inside(WGS84_ENVELOPE, x, y)) return 'wgs84';
  if (inside(WGS84_ENVELOPE, y, x)) return 'wgs84-swapped';
  return 'unknown';
}

/** True when (x, y) is a plausible coordinate in `crs` for the Netherlands. */
export function fitsCrs(x: number, y: number, crs: Crs): boolean {
  return inside(crs === 'rd' ? RD_ENVELOPE : WGS84_ENVELOPE, x, y);
}

/**
 * Explains why (x, y) is not a Dutch coordinate in `expected` (or in any supported system), with
 * a hint when it looks like another system: swapped latitude/longitude, RD given as WGS84 or the
 * other way round, Web Mercator or UTM.
 */
export function explainCoordinate(x: number, y: number, expected?: Crs): string {
  const pair = `(${x}, ${y})`;
  const reading = readCoordinate(x, y);
  const wanted =
    expected === 'rd'
      ? 'RD New (EPSG:28992) x 0..300 000, y 289 000..629 000 m'
      : expected === 'wgs84'
        ? 'WGS84 longitude 3.2..7.3 then latitude 50.7..53.7'
        : 'RD New (EPSG:28992) metres or WGS84 longitude/latitude in the Netherlands';
  if (!Number.isFinite(x) || !Number.isFinite(y))
    return `${pair} is not a pair of numbers; expected ${wanted}`;
  if (reading === 'wgs84-swapped') {
    return `${pair} looks like latitude/longitude in swapped order (latitude first); expected ${wanted}: swap the x and y columns (GeoJSON and udc put longitude first)`;
  }
  if (reading === 'rd' && expected === 'wgs84')
    return `${pair} looks like RD New metres, not WGS84 degrees; expected ${wanted} (use --crs rd)`;
  if (reading === 'wgs84' && expected === 'rd')
    return `${pair} looks like WGS84 degrees, not RD New metres; expected ${wanted} (use --crs wgs84)`;
  if (x > 250_000 && x < 900_000 && y > 5_500_000 && y < 6_100_000) {
    return `${pair} looks like UTM zone 31N/32N (ETRS89), which udc does not read; expected ${wanted}: convert to RD New or WGS84 first`;
  }
  if (x > 300_000 && x < 850_000 && y > 6_500_000 && y < 7_200_000) {
    return `${pair} looks like Web Mercator (EPSG:3857), which udc does not read; expected ${wanted}: convert to RD New or WGS84 first`;
  }
  return `${pair} is outside the Netherlands in every supported system; expected ${wanted}`;
}

/**
 * Reads the CRS a GeoJSON `crs` member names (the 2008 GeoJSON form PDOK and GDAL still write:
 * `{ type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::28992' } }`). Returns undefined when
 * the member is absent; throws CoordinateError for a system udc does not read.
 */
export function crsFromMember(member: unknown): Crs | undefined {
  if (member === undefined || member === null) return undefined;
  const name =
    typeof member === 'object' && member !== null && 'properties' in member
      ? String((member as { properties?: { name?: unknown; href?: unknown } }).properties?.name ?? '')
      : '';
  const code = /(?:EPSG)?[:/]+(?:[\d.]*:)?(\d{4,5})\s*$/i.exec(name)?.[1];
  if (/CRS:?84$/i.test(name) || code === '4326' || code === '4258') return 'wgs84';
  if (code === '28992') return 'rd';
  throw new CoordinateError(
    `the file's "crs" member names ${name ? `"${name}"` : 'no system udc understands'}; udc reads RD New (EPSG:28992) and WGS84 (EPSG:4326 / CRS84): reproject the file, or state the system with --crs`,
  );
}

/** Running counts of how the coordinates of a file read, to decide its CRS. */
export class CrsTally {
  readonly counts: Record<CoordinateReading, number> = { rd: 0, wgs84: 0, 'wgs84-swapped': 0, unknown: 0 };
  /** The first coordinate of each reading, for messages. */
  readonly examples: Partial<Record<CoordinateReading, [number, number]>> = {};
  add(x: number, y: number): void {
    const reading = readCoordinate(x, y);
    this.counts[reading]++;
    this.examples[reading] ??= [x, y];
  }
  get total(): number {
    return this.counts.rd + this.counts.wgs84 + this.counts['wgs84-swapped'] + this.counts.unknown;
  }
}

/**
 * Decides the CRS of a set of coordinates: the stated one (checked) or the one the coordinates
 * fit. `where` names the input in messages. Throws CoordinateError with an explanation when the
 * coordinates fit no supported system, fit the stated one for fewer than `minimumShare` of them,
 * or look like latitude/longitude in swapped order.
 */
export function decideCrs(tally: CrsTally, where: string, stated?: Crs, minimumShare = 1): Crs {
  const total = tally.total;
  if (total === 0) {
    if (stated) return stated;
    throw new CoordinateError(`${where}: there are no coordinates to tell the coordinate system from`);
  }
  const share = (reading: CoordinateReading) => tally.counts[reading] / total;
  const example = (reading: CoordinateReading) => {
    const e = tally.examples[reading]!;
    return explainCoordinate(e[0], e[1], stated);
  };
  const chosen: Crs | undefined = stated ?? (share('rd') >= share('wgs84') ? 'rd' : 'wgs84');
  if (share(chosen) >= minimumShare && tally.counts[chosen] > 0) return chosen;
  const percent = (r: CoordinateReading) => `${Math.round(share(r) * 1000) / 10}%`;
  if (share('wgs84-swapped') > share(chosen) && tally.counts['wgs84-swapped'] > 0) {
    throw new CoordinateError(
      `${where}: ${percent('wgs84-swapped')} of the coordinates have latitude and longitude swapped, e.g. ${example('wgs84-swapped')}`,
    );
  }
  const offender = (['unknown', 'wgs84-swapped', 'rd', 'wgs84'] as const).find(
    (r) => r !== chosen && tally.counts[r] > 0,
  );
  const detail = offender ? `, e.g. ${example(offender)}` : '';
  throw new CoordinateError(
    `${where}: ${stated ? `only ${percent(chosen)} of the coordinates are ${stated === 'rd' ? 'RD New' : 'WGS84'} in the Netherlands` : 'the coordinates are not all RD New or all WGS84 in the Netherlands'}${detail}`,
  );
}
