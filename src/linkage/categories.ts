// The distinct values of a file's text and PC4 columns, gathered while its lines are pseudonymised,
// so that a column with few of them (sex, labour position, benefit, buurt code, PC4) is stored as a
// category (the engine's ENUM): written and grouped by its code, several times cheaper than text
// for the millions of rows of microdata (measured: 5 million values of a two-value column, 0.66 CPU
// s as text, 0.08 as a category). A column leaves the count once it has more than MAX_CATEGORIES
// values; it is then stored as text.

/** Most distinct values a column may have to be stored as a category. */
export const MAX_CATEGORIES = 16_384;

/**
 * A set of byte strings per column, up to MAX_CATEGORIES each: open addressing on a 32-bit hash
 * of the bytes, the values kept in one growing byte pool.
 */
export class CategoryCounter {
  private readonly slots: Int32Array[];
  private readonly starts: number[][];
  private readonly ends: number[][];
  private pool = new Uint8Array(1 << 16);
  private used = 0;
  /** Per column: false once it has more than MAX_CATEGORIES values (or was not tracked). */
  readonly open: boolean[];

  constructor(track: readonly boolean[]) {
    this.open = [...track];
    this.slots = track.map((t) => new Int32Array(t ? 2 * MAX_CATEGORIES : 0));
    this.starts = track.map(() => []);
    this.ends = track.map(() => []);
  }

  /** Counts the value `data[start..end)` of column `k` (an empty value is no category). */
  add(k: number, data: Uint8Array, start: number, end: number): void {
    if (!this.open[k] || start === end) return;
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ data[i]!, 0x01000193);
    const slots = this.slots[k]!;
    const mask = slots.length - 1;
    const starts = this.starts[k]!;
    const ends = this.ends[k]!;
    const pool = this.pool;
    // The table has twice as many slots as values it may hold, so an empty slot is always found.
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot]!;
      if (entry === 0) break;
      const s = starts[entry - 1]!;
      if (ends[entry - 1]! - s === end - start) {
        let same = true;
        for (let i = 0; i < end - start; i++)
          if (pool[s + i] !== data[start + i]) {
            same = false;
            break;
          }
        if (same) return;
      }
    }
    if (starts.length >= MAX_CATEGORIES) {
      this.close(k);
      return;
    }
    const length = end - start;
    if (this.used + length > this.pool.length) {
      const bigger = new Uint8Array(Math.max(this.pool.length * 2, this.used + length));
      bigger.set(this.pool.subarray(0, this.used));
      this.pool = bigger;
    }
    this.pool.set(data.subarray(start, end), this.used);
    starts.push(this.used);
    this.used += length;
    ends.push(this.used);
    let slot = h & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = starts.length;
  }

  /** Counts a value given as text (lines the byte path does not take). */
  addText(k: number, value: string): void {
    if (this.open[k] && value !== '') {
      const bytes = Buffer.from(value, 'utf8');
      this.add(k, bytes, 0, bytes.length);
    }
  }

  /** Per column its values (UTF-8 decoded), or null when it has too many or was not tracked. */
  values(): (string[] | null)[] {
    const decoder = new TextDecoder();
    return this.open.map((open, k) =>
      open ? this.starts[k]!.map((s, i) => decoder.decode(this.pool.subarray(s, this.ends[k]![i]!))) : null,
    );
  }

  private close(k: number): void {
    this.open[k] = false;
    this.slots[k] = new Int32Array(0);
    this.starts[k] = [];
    this.ends[k] = [];
  }
}

/**
 * Merges the values a chunk found into `into`; a column becomes null (not categorical) when a chunk
 * found too many or the union grows past MAX_CATEGORIES.
 */
export function mergeCategories(into: (Set<string> | null)[], found: readonly (string[] | null)[]): void {
  found.forEach((values, k) => {
    const set = into[k];
    if (set === null || set === undefined) return;
    if (values === null) {
      into[k] = null;
      return;
    }
    for (const v of values) set.add(v);
    // A control character (a NUL among them) is kept as text rather than put in a type's definition.
    if (set.size > MAX_CATEGORIES || values.some(hasControlCharacter)) into[k] = null;
  });
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) < 0x20) return true;
  return false;
}

/** Values in the engine's order for text (UTF-8 bytes), so a category sorts as its text would. */
export function sortCategories(values: Iterable<string>): string[] {
  return [...values]
    .map((v) => [v, Buffer.from(v, 'utf8')] as const)
    .sort((a, b) => Buffer.compare(a[1], b[1]))
    .map(([v]) => v);
}

/** The engine type of a category column: ENUM('a', 'b', ...), quotes doubled. */
export function enumType(values: readonly string[]): string {
  return `ENUM(${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ')})`;
}
