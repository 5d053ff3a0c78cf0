// `npm run bench [-- <name> ...] [-- --quick]`: runs the benchmarks, prints their figures and writes
// bench/results/<name>.json with the machine they ran on.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bench, BenchResult } from './types.js';

const benches: Record<string, () => Promise<{ run: Bench }>> = {
  import: () => import('./import.js'),
};

// Benchmarks written by other capabilities register themselves here when their file exists.
for (const optional of ['geocode', 'statline', 'indicators', 'disclosure', 'api', 'linkage', 'dashboard']) {
  benches[optional] = () => import(`./${optional}.js`);
}

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const names = args.filter((a) => !a.startsWith('--'));
const unknown = names.filter((n) => !(n in benches));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}

const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
};
console.log(
  `machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}${quick ? ', quick sizes' : ''}`,
);

let failed = false;
for (const name of names.length > 0 ? names : Object.keys(benches)) {
  let module: { run: Bench };
  try {
    module = await benches[name]!();
  } catch (error) {
    if (names.length === 0 && (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') continue;
    throw error;
  }
  console.log(`\n== ${name}`);
  const result: BenchResult = await module.run({ quick });
  for (const f of result.figures) {
    const against =
      f.referenceValue !== undefined ? ` vs ${f.reference}: ${round(f.referenceValue)} ${f.unit}` : '';
    const ratio = f.ratio !== undefined ? `, ratio ${f.ratio.toFixed(2)}` : '';
    const goal = f.goal ? ` (goal ${f.goal}: ${f.met ? 'met' : 'NOT met'})` : '';
    console.log(`  ${f.name}: ${round(f.value)} ${f.unit}${against}${ratio}${goal}`);
    if (f.met === false) failed = true;
  }
  for (const note of result.notes ?? []) console.log(`  note: ${note}`);
  await mkdir(join(here, 'results'), { recursive: true });
  await writeFile(
    join(here, 'results', `${name}.json`),
    JSON.stringify({ ...result, machine, date: new Date().toISOString(), quick }, null, 2) + '\n',
  );
}
if (failed) console.log('\nSome goals were not met in this run (see above).');

function round(n: number): string {
  return Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3);
}
