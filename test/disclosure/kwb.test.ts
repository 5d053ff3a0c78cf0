// A real table shape: the 792 buurten of Regio Groningen-Assen (CBS Kerncijfers wijken en buurten
// 2020) in their wijken and gemeenten, crossed with five age groups and their total.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  addUpFromInnermost,
  additivityViolations,
  auditSuppression,
  buildTable,
  parseDisclosureConfig,
  primarySuppressions,
  secondarySuppression,
  siblingSuppression,
  withValues,
  type Table,
} from '../../src/disclosure/index.js';

const FILE = new URL(
  '../../../shared/data/kwb/kwb2020_84799NED_groningen_assen_gm_wk_bu.csv',
  import.meta.url,
);
const AGES = [
  'k_0Tot15Jaar_8',
  'k_15Tot25Jaar_9',
  'k_25Tot45Jaar_10',
  'k_45Tot65Jaar_11',
  'k_65JaarOfOuder_12',
];

function kwbTable(): Table {
  const [header, ...lines] = readFileSync(FILE, 'utf8').trim().split('\n');
  const columns = header!.split(',');
  const rows = lines.map((line) =>
    Object.fromEntries(line.split(',').map((v, i) => [columns[i]!, v.trim()])),
  );
  const regions: { code: string; parent: string | null }[] = [{ code: 'RGA', parent: null }];
  for (const r of rows) {
    const code = r['Codering_3']!;
    if (code.startsWith('GM')) regions.push({ code, parent: 'RGA' });
    if (code.startsWith('WK')) regions.push({ code, parent: `GM${code.slice(2, 6)}` });
    if (code.startsWith('BU')) regions.push({ code, parent: `WK${code.slice(2, 8)}` });
  }
  const empty = buildTable({
    dimensions: [
      { name: 'region', codes: regions },
      { name: 'age', codes: [{ code: 'T', parent: null }, ...AGES.map((code) => ({ code, parent: 'T' }))] },
    ],
    cells: [],
  });
  // The buurt counts are the innermost cells; every total is their sum, so the table adds up exactly.
  const values = new Float64Array(empty.cells.length);
  for (const r of rows.filter((row) => row['Codering_3']!.startsWith('BU'))) {
    const region = empty.dimensions[0]!.index.get(r['Codering_3']!)!;
    AGES.forEach((age, k) => {
      const n = Number(r[age]);
      values[empty.cellIndex([region, k + 1])] = Number.isFinite(n) ? n : 0;
    });
  }
  addUpFromInnermost(empty, values);
  return withValues(empty, values);
}

describe('Regio Groningen-Assen, buurt x age group (kwb 2020)', () => {
  it('is protected without leaks and with far fewer complements than the sibling baseline', async () => {
    const table = kwbTable();
    expect(table.cells.length).toBe((1 + 14 + 154 + 792) * 6);
    expect(additivityViolations(table)).toEqual([]);
    const requirements = primarySuppressions(table, parseDisclosureConfig({ frequency: { threshold: 10 } }));
    expect(requirements.size).toBeGreaterThan(100);

    // Threshold only: the auditor recovers primary cells by subtraction.
    const onlyPrimary = new Uint8Array(table.cells.length);
    for (const cell of requirements.keys()) onlyPrimary[cell] = 1;
    const naiveAudit = await auditSuppression(table, onlyPrimary, requirements, { mode: 'verdict' });
    expect(naiveAudit.leaks.length).toBeGreaterThan(0);

    const lp = await secondarySuppression(table, requirements);
    const audit = await auditSuppression(table, lp.pattern, requirements, { mode: 'verdict' });
    expect(audit.leaks).toEqual([]);
    expect(lp.unprotectable).toEqual([]);

    const baseline = siblingSuppression(table, requirements);
    const baselineSecondary = baseline.filter((s) => s === 2).length;
    const baselineValue = table.cells.reduce((s, c, i) => s + (baseline[i] === 2 ? c.value : 0), 0);
    console.log(
      `kwb buurt x age: ${table.cells.length} cells, ${requirements.size} primary; secondary LP ${lp.secondaries} ` +
        `cells (${lp.secondaryValue} persons) vs sibling baseline ${baselineSecondary} cells (${baselineValue} persons); ` +
        `threshold-only leaks ${naiveAudit.leaks.length}`,
    );
    expect(lp.secondaries).toBeLessThan(baselineSecondary);
    expect(lp.secondaryValue).toBeLessThan(baselineValue);
  });
});
