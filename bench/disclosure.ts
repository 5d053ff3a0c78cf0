// Benchmark of issue 6: secondary suppression of a ~100,000-cell table (3-level region hierarchy x
// two categorical variables) against the naive baseline (suppress all siblings of every primary
// cell) in the same run, with the auditor's verdict on both.
// Run: `npm run bench -- disclosure` (when registered in bench/run.ts) or `npx tsx bench/disclosure.ts [--quick]`.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  auditSuppression,
  parseDisclosureConfig,
  primarySuppressions,
  secondarySuppression,
  siblingSuppression,
} from '../src/disclosure/index.js';
import { syntheticTable } from '../src/disclosure/synthetic.js';
import type { BenchOptions, BenchResult } from './types.js';

/** Runs the benchmark and returns its figures. */
export async function run(options: BenchOptions): Promise<BenchResult> {
  const shape = {
    regionFanout: options.quick ? [5, 6, 8] : [10, 10, 10],
    categories: [8, 9],
    meanCount: 40,
    seed: 6,
  };
  const table = syntheticTable(shape);
  const config = parseDisclosureConfig({ frequency: { threshold: 10 } });
  const requirements = primarySuppressions(table, config);

  // Wall-clock is the figure; CPU time is noted too because the machine is shared.
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const lp = await secondarySuppression(table, requirements);
  const lpSeconds = (performance.now() - t0) / 1000;
  const lpCpu = cpuSeconds(process.cpuUsage(cpu0));
  const cpu1 = process.cpuUsage();
  const t1 = performance.now();
  const lpAudit = await auditSuppression(table, lp.pattern, requirements, { mode: 'verdict' });
  const auditSeconds = (performance.now() - t1) / 1000;
  const auditCpu = cpuSeconds(process.cpuUsage(cpu1));

  // Cross-check: the same verdict from linear programs alone (no hypercube certificates).
  const t3 = performance.now();
  const lpOnlyAudit = await auditSuppression(table, lp.pattern, requirements, {
    mode: 'verdict',
    hypercubes: false,
  });
  const lpOnlyAuditSeconds = (performance.now() - t3) / 1000;

  const t2 = performance.now();
  const naive = siblingSuppression(table, requirements);
  const naiveSeconds = (performance.now() - t2) / 1000;
  const naiveAudit = await auditSuppression(table, naive, requirements, { mode: 'verdict' });

  const count = (pattern: Uint8Array, state: number): number =>
    pattern.reduce((s, v) => s + (v === state ? 1 : 0), 0);
  const valueOf = (pattern: Uint8Array): number =>
    pattern.reduce((s, v, i) => s + (v === 2 ? table.cells[i]!.value : 0), 0);
  const lpSecondary = count(lp.pattern, 2);
  const naiveSecondary = count(naive, 2);
  return {
    name: 'disclosure',
    figures: [
      { name: 'table cells', value: table.cells.length, unit: 'cells' },
      { name: 'primary cells (frequency < 10)', value: requirements.size, unit: 'cells' },
      {
        name: 'secondary suppression time (LP)',
        value: lpSeconds,
        unit: 's',
        reference: 'naive sibling suppression',
        referenceValue: naiveSeconds,
        goal: '< 10 s',
        met: lpSeconds < 10,
      },
      {
        name: 'secondary cells (LP)',
        value: lpSecondary,
        unit: 'cells',
        reference: 'naive sibling suppression',
        referenceValue: naiveSecondary,
        ratio: lpSecondary / naiveSecondary,
        goal: 'fewer than the baseline',
        met: lpSecondary < naiveSecondary,
      },
      {
        name: 'secondary value suppressed (LP)',
        value: valueOf(lp.pattern),
        unit: 'persons',
        reference: 'naive sibling suppression',
        referenceValue: valueOf(naive),
        ratio: valueOf(lp.pattern) / valueOf(naive),
      },
      { name: 'audit time (LP pattern)', value: auditSeconds, unit: 's' },
      {
        name: 'secondary suppression + audit (what protectTable does)',
        value: lpSeconds + auditSeconds,
        unit: 's',
        goal: '< 10 s',
        met: lpSeconds + auditSeconds < 10,
      },
      {
        name: 'leaks found by the auditor (LP pattern)',
        value: lpAudit.leaks.length,
        unit: 'cells',
        reference: 'naive sibling suppression',
        referenceValue: naiveAudit.leaks.length,
        goal: 'no leaks',
        met: lpAudit.leaks.length === 0,
      },
    ],
    notes: [
      `shape: region fanout ${shape.regionFanout.join('x')} under one top, categories ${shape.categories.join(' and ')} plus totals, seed ${shape.seed}`,
      `CPU time: secondary suppression ${lpCpu.toFixed(2)} s, audit ${auditCpu.toFixed(2)} s`,
      `LP method: ${lp.solves} linear programs; audit: ${lpAudit.certified} primaries certified by a hypercube of suppressed cells, ${lpAudit.solves} linear programs in ${lpAudit.components} components`,
      `cross-check, audit by LP only: ${lpOnlyAudit.leaks.length} leaks, ${lpOnlyAudit.solves} linear programs, ${lpOnlyAuditSeconds.toFixed(1)} s`,
      `hypercubes: ${lp.hypercubes}; complements released by the clean-up: ${lp.released}`,
      `unprotectable primaries: ${lp.unprotectable.length}`,
    ],
  };
}

function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

// Standalone: `npx tsx bench/disclosure.ts [--quick]`.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await run({ quick: process.argv.includes('--quick') });
  for (const f of result.figures)
    console.log(
      `${f.name}: ${f.value}${f.referenceValue !== undefined ? ` (vs ${f.reference}: ${f.referenceValue})` : ''}${f.goal ? ` goal ${f.goal}: ${f.met ? 'met' : 'NOT met'}` : ''}`,
    );
  for (const n of result.notes ?? []) console.log(`note: ${n}`);
}
