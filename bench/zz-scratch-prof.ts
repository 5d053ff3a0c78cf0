// TEMPORARY scratch profiler (helper), removed at end.
import { openDuckDBStore } from '../src/store/index.js';
import { run } from './statline.js';
const s = await openDuckDBStore({ path: ':memory:' });
await s.session(async (tx) => {
  const proto = Object.getPrototypeOf(tx);
  for (const m of ['run', 'all', 'append']) {
    const orig = proto[m];
    proto[m] = async function (this: unknown, sql: string, ...rest: unknown[]) {
      const t = performance.now();
      try { return await orig.call(this, sql, ...rest); } finally {
        const ms = performance.now() - t;
        if (ms > 20) console.error(`[${ms.toFixed(0)} ms] ${m} ${String(sql).replace(/\s+/g, ' ').slice(0, process.env.FULL ? 5000 : 200)}`);
      }
    };
  }
});
await s.close();
const r = await run({ quick: false });
console.log(JSON.stringify(r.figures.map((f) => [f.name, f.value, f.referenceValue, f.ratio])));
