// Primary rules: which cells are unsafe on their own, and how wide an interval an intruder must be
// left with for each (upper and lower protection levels, as tau-Argus states them).
import type { DisclosureConfig } from './config.js';
import type { Cell, Table } from './table.js';

/** The rule that made a cell unsafe. */
export type PrimaryRule = 'frequency' | 'dominance' | 'p-percent' | 'zero' | 'empty' | 'manual';

/**
 * A primary cell's protection requirement: the intruder's feasible interval must reach at least
 * `value + upper` and at most `value - lower` (lower never exceeds the value: counts are not negative).
 */
export interface Requirement {
  rules: PrimaryRule[];
  upper: number;
  lower: number;
}

/** The frequency rule's verdict: unsafe when 0 < units < threshold; the level follows the configuration. */
export function frequencyRule(cell: Cell, kind: Table['kind'], config: DisclosureConfig): number | undefined {
  const rule = config.frequency;
  if (!rule) return undefined;
  const units = kind === 'frequency' ? cell.value : (cell.contributors ?? cell.topContributions?.length);
  if (units === undefined || units <= 0 || units >= rule.threshold) return undefined;
  // Frequency tables: a share of the threshold (the intruder must not learn "it is 1 or 2").
  // Magnitude tables: a share of the amount, as tau-Argus's frequency rule does.
  const level =
    kind === 'frequency'
      ? Math.ceil((rule.threshold * rule.protectionPercent) / 100)
      : (cell.value * rule.protectionPercent) / 100;
  return Math.max(level, kind === 'frequency' ? 1 : 0);
}

/**
 * (n,k)-dominance: unsafe when the n largest contributions exceed k% of the cell total. The level
 * is (100/k) * (x1 + ... + xn) - total, the amount the total must be able to grow before the n
 * largest fall to k% of it.
 */
export function dominanceRule(cell: Cell, config: DisclosureConfig): number | undefined {
  const rule = config.dominance;
  const top = cell.topContributions;
  if (!rule || !top || cell.value <= 0) return undefined;
  const largest = top.slice(0, rule.n).reduce((s, x) => s + x, 0);
  if (largest <= (rule.k / 100) * cell.value) return undefined;
  return (100 / rule.k) * largest - cell.value;
}

/**
 * p%-rule: unsafe when the rest after the two largest contributions, total - x1 - x2, is less than
 * p% of x1 (the second largest could then estimate x1 within p%). The level is p% * x1 - (total - x1 - x2).
 */
export function pPercentRule(cell: Cell, config: DisclosureConfig): number | undefined {
  const rule = config.pPercent;
  const top = cell.topContributions;
  if (!rule || !top || top.length === 0 || cell.value <= 0) return undefined;
  const x1 = top[0]!;
  const x2 = top[1] ?? 0;
  const remainder = cell.value - x1 - x2;
  const level = (rule.p / 100) * x1 - remainder;
  return level > 0 ? level : undefined;
}

/**
 * Applies every configured primary rule and the manual list to every cell; returns the unsafe cells
 * with their requirements (the largest level any rule asks, lower capped at the value).
 */
export function primarySuppressions(table: Table, config: DisclosureConfig): Map<number, Requirement> {
  const manual = new Set(
    config.alwaysSuppress.map((coordinates, k) => {
      const codes = table.dimensions.map((d) => {
        const code = coordinates[d.name];
        const i = code === undefined ? undefined : d.index.get(code);
        if (i === undefined)
          throw new Error(
            `alwaysSuppress[${k}]: dimension ${d.name} has code ${String(code)}, which is not one of its codes`,
          );
        return i;
      });
      return table.cellIndex(codes);
    }),
  );
  const baseLevel = config.frequency
    ? Math.max(1, Math.ceil((config.frequency.threshold * config.frequency.protectionPercent) / 100))
    : 1;
  const out = new Map<number, Requirement>();
  table.cells.forEach((cell, i) => {
    const found: [PrimaryRule, number][] = [];
    if (cell.empty) {
      if (config.empty === 'suppress') found.push(['empty', baseLevel]);
    } else if (cell.value === 0) {
      if (config.zeros === 'suppress') found.push(['zero', baseLevel]);
    } else {
      const frequency = frequencyRule(cell, table.kind, config);
      if (frequency !== undefined) found.push(['frequency', frequency]);
      const dominance = dominanceRule(cell, config);
      if (dominance !== undefined) found.push(['dominance', dominance]);
      const pPercent = pPercentRule(cell, config);
      if (pPercent !== undefined) found.push(['p-percent', pPercent]);
    }
    if (manual.has(i)) {
      const level = (cell.value * config.manualProtectionPercent) / 100;
      found.push(['manual', table.kind === 'frequency' ? Math.max(1, Math.ceil(level)) : level]);
    }
    if (found.length === 0) return;
    const level = Math.max(...found.map(([, l]) => l));
    out.set(i, { rules: found.map(([r]) => r), upper: level, lower: Math.min(level, cell.value) });
  });
  return out;
}
