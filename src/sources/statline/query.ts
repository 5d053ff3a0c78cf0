/** The query a user puts to a table: an OData $filter and the measures to $select. */
export interface ObservationQuery {
  /** An OData $filter expression, passed to the server as written (e.g. "Perioden ge '2019JJ00'"). */
  filter?: string;
  /** Measures (v4 codes) or topics (v3 keys) to keep; all when absent. */
  select?: readonly string[];
  /** v3 only: read TypedDataSet (numbers; symbols become null) instead of UntypedDataSet (text, symbols kept). */
  typed?: boolean;
}

/** Builds a query string from OData options; `$` stays literal, values are percent-encoded. */
export function queryString(options: Record<string, string | number | undefined>): string {
  const parts = Object.entries(options)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** A stable text of the query, used to name its cache folder and compared by mirror. */
export function queryKey(query: ObservationQuery): string {
  return JSON.stringify({
    filter: query.filter ?? '',
    select: [...(query.select ?? [])].sort(),
    typed: query.typed ?? false,
  });
}

/** Joins a base URL and a path without doubling or dropping the slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
