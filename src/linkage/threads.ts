// Starts a worker thread on a module of this directory. udc runs its TypeScript sources through tsx
// (bin/udc.js, the benchmarks, vitest), and a worker thread does not inherit that loader: the
// worker first registers tsx when the module is TypeScript, then imports it.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** A worker running `./<name>.ts` (from the sources) or `./<name>.js` (from a build). */
export function startWorker(name: string): Worker {
  const typescript = import.meta.url.endsWith('.ts');
  const entry = new URL(`./${name}${typescript ? '.ts' : '.js'}`, import.meta.url).href;
  if (!typescript) return new Worker(new URL(entry));
  // The ESM entry of tsx's API (require.resolve finds its CommonJS twin next to it).
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`,
    { eval: true },
  );
}
