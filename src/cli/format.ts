/** Renders rows as an aligned text table for a terminal. */
export function table(rows: readonly Record<string, unknown>[], columns?: readonly string[]): string {
  if (rows.length === 0) return '(no rows)';
  const names = columns ?? Object.keys(rows[0]!);
  const cells = rows.map((r) => names.map((n) => show(r[n])));
  const widths = names.map((n, i) => Math.min(60, Math.max(n.length, ...cells.map((c) => c[i]!.length))));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (v.length > widths[i]! ? `${v.slice(0, widths[i]! - 1)}…` : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(names), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Renders rows as RFC 4180 CSV. */
export function csv(rows: readonly Record<string, unknown>[]): string {
  if (rows.length === 0) return '';
  const names = Object.keys(rows[0]!);
  const quote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return (
    [names.map(quote).join(','), ...rows.map((r) => names.map((n) => quote(show(r[n]))).join(','))].join(
      '\n',
    ) + '\n'
  );
}

/** JSON that survives bigint values. */
export function json(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object')
    return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}
