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
}
