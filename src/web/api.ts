/**
 * The dashboard reads nothing from the store: every figure comes from the public REST API
 * (/api/v1, docs/dev/CONTRACTS.md and the API contract), asked in-process through the same Hono
 * app. A page is therefore a thin view, and a number on a page is by construction the number the
 * API publishes.
 */
import type { FeatureCollection, Geometry } from 'geojson';

/** How the dashboard reaches the API: a fetch of a path on the same app (no network hop). */
export type ApiFetch = (path: string, init?: RequestInit) => Response | Promise<Response>;

export interface Text {
  nl: string;
  en: string;
}

export interface Theme {
  id: string;
  title: Text;
  indicatorCount: number;
}

export interface IndicatorSource {
  dataset: string;
  title?: string;
  version?: number | string;
  modified?: string | null;
}

export interface Indicator {
  id: string;
  theme: string;
  title: Text;
  description: { nl: string | null; en: string | null };
  unit: string;
  decimals: number;
  better: 'higher' | 'lower' | 'neither';
  kind: string;
  formula: string;
  disclosure?: string;
  sources: IndicatorSource[];
  periods: string[];
  levels: string[];
}

export interface Value {
  indicator: string;
  region: string;
  regionName: string | null;
  level: string;
  period: string;
  year: number;
  boundaryYear: number;
  value: number | null;
  status: string;
  derivation?: string;
  conversion: 'exact' | 'estimated' | null;
  disclosure: string | null;
}

export interface Region {
  code: string;
  name: string;
  level: string;
  year?: number;
}

export interface RegionDetail extends Region {
  parents: { classification: string; code: string; name: string }[];
  children: Region[];
}

export interface ProfileValue {
  region: string;
  value: number | null;
  status: string;
  disclosure: string | null;
}

export interface Profile {
  region: Region;
  references: (Region & { relation: 'gemeente' | 'custom' | 'land' })[];
  indicators: {
    indicator: string;
    theme: string;
    title: Text;
    unit: string;
    decimals: number;
    better: string;
    period: string;
    /** The region first, then each reference that has a value. */
    values: ProfileValue[];
    series: { period: string; value: number | null }[];
  }[];
}

export interface Dataset {
  id: string;
  title: string;
  description: string | null;
  publisher: string;
  source: string;
  licence: string;
  modified: string | null;
  version: number;
  observations: number;
}

export interface Paged<T> {
  data: T[];
  page?: { number: number; size: number; total: number };
}

export type AreaGeometry = FeatureCollection<Geometry, { code: string; name: string | null; level: string }>;

/** A data center as listed (GET /datacenters). */
export interface DatacenterSummary {
  id: string;
  name: Text;
  description: Text;
  /** The data center's own region (a custom region such as X_RGA). */
  region: string;
  home: string[];
  colours: { primary: string; accent: string; text: string; background: string };
  /** The logo's path below /api/v1. */
  logo: string;
}

/** One data center with its selection (GET /datacenters/{name}). */
export interface Datacenter extends DatacenterSummary {
  regionName: string | null;
  members: { code: string; name: string }[];
  themes: { id: string; indicators: { id: string; library: string; published: boolean }[] }[];
  peers: { variables: (string | string[])[]; k: number; areas: { code: string; name: string | null }[] };
}

/** Who is asking (GET /session). */
export interface Session {
  user: { name: string; displayName: string | null; role: string } | null;
  role: string;
  via: 'anonymous' | 'session' | 'token';
  csrfToken?: string;
  oidc: boolean;
}

/** A significance test of the analysis routes. */
export interface Test {
  method: string;
  z: number;
  p: number;
  significant: boolean;
  statement: string;
}

export interface IndicatorRef {
  id: string;
  title: Text;
  unit: string;
  decimals: number;
  period?: string;
}

export interface Trend {
  indicator: IndicatorRef;
  region: { code: string; name: string; level: string };
  reference: { code: string; name: string } | null;
  period: string;
  series: { period: string; value: number | null; boundaryYear: number }[];
  model: { model: string; basis: string };
  changes: {
    years: number;
    from: { period: string; value: number | null } | null;
    to: { period: string; value: number | null } | null;
    change: number | null;
    relativeChange: number | null;
    reference: { change: number | null; from?: { period: string } | null } | null;
    difference: number | null;
    test: Test | null;
    note?: string;
  }[];
}

export interface Distribution {
  scope: 'nl' | 'region' | 'peers';
  within: string | null;
  n: number;
  areas: number;
  mean: number | null;
  sd: number | null;
  min?: number;
  max?: number;
  z: number | null;
  percentile: number | null;
  rank: number | null;
  members?: string[];
}

export interface Position {
  indicator: IndicatorRef;
  region: { code: string; name: string; level: string };
  period: string;
  boundaryYear: number;
  value: number | null;
  status: string;
  interval: { lower: number; upper: number; level: number; method: string; approximation: boolean } | null;
  model: { model: string; basis: string };
  distributions: Distribution[];
  comparisons: {
    region: string;
    name: string;
    value: number | null;
    difference: number | null;
    test: Test | null;
  }[];
  notes: string[];
}

export interface Peers {
  region: { code: string; name: string; level: string };
  k: number;
  candidates: number;
  variables: { id: string; transform: string; value: number }[];
  dropped: { variable: string; reason: string }[];
  peers: { code: string; name: string; distance: number }[];
  method: string;
  explanation: string;
}

export interface Correlation {
  x: IndicatorRef;
  y: IndicatorRef;
  level: string;
  boundaryYear: number;
  within: string | null;
  n: number;
  pearson: { r: number | null; interval: [number, number] | null; method: string };
  spearman: { rho: number | null; method: string };
  points: { code: string; name: string; x: number; y: number }[];
  highlight: { code: string; name: string; x: number; y: number } | null;
  caveat: Text;
}

export interface Typology {
  indicators: IndicatorRef[];
  level: string;
  period: string;
  boundaryYear: number;
  within: string | null;
  seed: number;
  k: number;
  criterion: string;
  silhouettes: { k: number; silhouette: number; inertia: number }[];
  excluded: number;
  clusters: {
    cluster: number;
    size: number;
    profile: { indicator: string; mean: number; z: number }[];
    label: string;
  }[];
  areas: { code: string; name: string; cluster: number }[];
}

/** A note (annotation) with its replies, as GET /annotations serves it. */
export interface Note {
  id: string;
  parent: string | null;
  indicator: string | null;
  region: string | null;
  period: string | null;
  status: 'draft' | 'published';
  body: string;
  /** The body as safe HTML, rendered by the API (strict Markdown subset, everything escaped). */
  html: string;
  author: string;
  created: string;
  updated: string;
  revised: boolean;
  revision: {
    definitionChanged: boolean;
    built: { was: string; now: string };
    datasets: { dataset: string; was: number | null; now: number | null }[];
  } | null;
  replies: Note[];
}

export interface StorySummary {
  id: string;
  title: string;
  status: 'draft' | 'published';
  author: string;
  created: string;
  updated: string;
}

export interface StoryFigure {
  index: number;
  kind: 'chart' | 'map' | 'table';
  indicator: string[];
  region?: string[];
  level?: string;
  parent?: string;
  period?: string[];
  data: string;
}

export interface Story extends StorySummary {
  body: string;
  /** Safe HTML from the API; each figure is a placeholder the dashboard fills. */
  html: string;
  figures: StoryFigure[];
}

/** The answer of a state-changing call: status, problem or body, and the cookies it set. */
export interface Sent {
  status: number;
  body: unknown;
  setCookie: string[];
}

/** An answer of the API that is not a success, with its RFC 9457 problem document. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(`${status} ${title}: ${detail}`);
  }
}

type Params = Record<string, string | number | undefined | null>;

/** A query string of the parameters that are set, in a stable order. */
export function query(params: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

const PAGE_SIZE = 1000;

/** A typed client of /api/v1 over an in-process fetch. */
export class Api {
  constructor(private readonly fetchApi: ApiFetch) {}

  /** GET a JSON document; a 404 is null (the caller decides what absence means), other errors throw. */
  async get<T>(path: string, params: Params = {}): Promise<T | null> {
    const response = await this.fetchApi(`/api/v1${path}${query(params)}`);
    if (response.status === 404) return null;
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { title?: string; detail?: string };
      throw new ApiError(response.status, body.title ?? response.statusText, body.detail ?? '');
    }
    return (await response.json()) as T;
  }

  /** GET a document that must exist. */
  async need<T>(path: string, params: Params = {}): Promise<T> {
    const body = await this.get<T>(path, params);
    if (body === null) throw new ApiError(404, 'Not found', `${path} does not exist`);
    return body;
  }

  async themes(): Promise<Theme[]> {
    return (await this.need<Paged<Theme>>('/themes')).data;
  }

  async indicators(params: { theme?: string; q?: string } = {}): Promise<Indicator[]> {
    return (await this.need<Paged<Indicator>>('/indicators', params)).data;
  }

  indicator(id: string): Promise<Indicator | null> {
    return this.get<Indicator>(`/indicators/${encodeURIComponent(id)}`);
  }

  /** Every value matching the filters, following the pages. */
  async values(params: {
    indicator: string;
    level?: string;
    parent?: string;
    region?: string;
    period?: string;
  }): Promise<Value[]> {
    const values: Value[] = [];
    for (let page = 1; ; page++) {
      const body = await this.need<Paged<Value>>('/values', { ...params, page, pageSize: PAGE_SIZE });
      values.push(...body.data);
      const total = body.page?.total ?? values.length;
      if (body.data.length === 0 || values.length >= total) return values;
    }
  }

  async regions(params: { level?: string; year?: number; parent?: string; q?: string }): Promise<Region[]> {
    return (await this.need<Paged<Region>>('/regions', params)).data;
  }

  region(code: string, year?: number): Promise<RegionDetail | null> {
    return this.get<RegionDetail>(`/regions/${encodeURIComponent(code)}`, { year });
  }

  /** The boundaries of a level in a year (within a parent), or null when the store has none. */
  geometry(params: { level: string; year: number; parent?: string }): Promise<AreaGeometry | null> {
    return this.get<AreaGeometry>('/geometry', params);
  }

  profile(code: string, period?: string): Promise<Profile | null> {
    return this.get<Profile>(`/profile/${encodeURIComponent(code)}`, { period });
  }

  /** One indicator for a few regions side by side. */
  async compare(params: {
    indicator: string | string[];
    regions: string[];
    period?: string | string[];
  }): Promise<Value[]> {
    const list = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(',') : v);
    const body = await this.get<Paged<Value>>('/compare', {
      indicator: list(params.indicator),
      regions: params.regions.join(','),
      period: list(params.period),
    });
    return body?.data ?? [];
  }

  async search(q: string): Promise<{ indicators: Indicator[]; regions: Region[] }> {
    return this.need('/search', { q });
  }

  async datasets(): Promise<Dataset[]> {
    return (await this.need<Paged<Dataset>>('/datasets')).data;
  }

  /** The data centers; an empty list when the installation has none or their configuration is broken. */
  async datacenters(): Promise<DatacenterSummary[]> {
    try {
      return (await this.need<Paged<DatacenterSummary>>('/datacenters')).data;
    } catch (error) {
      if (error instanceof ApiError) return [];
      throw error;
    }
  }

  datacenter(name: string): Promise<Datacenter | null> {
    return this.get<Datacenter>(`/datacenters/${encodeURIComponent(name)}`);
  }

  session(): Promise<Session> {
    return this.need<Session>('/session');
  }

  trend(params: {
    indicator: string;
    region: string;
    period?: string;
    datacenter?: string;
  }): Promise<Trend | null> {
    return this.get<Trend>('/analysis/trend', params);
  }

  position(params: {
    indicator: string;
    region: string;
    period?: string;
    datacenter?: string;
  }): Promise<Position | null> {
    return this.get<Position>('/analysis/position', params);
  }

  peers(params: { region: string; datacenter?: string }): Promise<Peers | null> {
    return this.get<Peers>('/analysis/peers', params);
  }

  correlation(params: {
    x: string;
    y: string;
    level: string;
    period?: string;
    periodY?: string;
    within?: string;
    highlight?: string;
  }): Promise<Correlation | null> {
    return this.get<Correlation>('/analysis/correlation', params);
  }

  typology(params: {
    indicators: string;
    level: string;
    within?: string;
    period?: string;
    seed?: number;
    kMin?: number;
    kMax?: number;
  }): Promise<Typology | null> {
    return this.get<Typology>('/analysis/typology', params);
  }

  async notes(params: {
    indicator?: string;
    region?: string;
    period?: string;
    broader?: 'true';
  }): Promise<Note[]> {
    return (await this.need<Paged<Note>>('/annotations', params)).data;
  }

  async stories(): Promise<StorySummary[]> {
    return (await this.need<Paged<StorySummary>>('/stories')).data;
  }

  story(id: string): Promise<Story | null> {
    return this.get<Story>(`/stories/${encodeURIComponent(id)}`);
  }
}

/**
 * A state-changing call of the API (sign in, write a note): JSON body, the caller's cookie and the
 * CSRF token the page's form carried, sent in the header the API checks. Never throws on an HTTP
 * error: the caller turns the problem into a page.
 */
export async function send(
  fetchApi: ApiFetch,
  method: 'POST' | 'PATCH' | 'DELETE',
  url: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<Sent> {
  const response = await fetchApi(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { detail: text.slice(0, 200) };
  }
  return { status: response.status, body: parsed, setCookie: response.headers.getSetCookie() };
}
