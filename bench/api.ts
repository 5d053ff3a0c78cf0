// Benchmark of issue 7: with autocannon on loopback, a typical dashboard request ("indicator x all
// buurten of a gemeente x one year") and an OData $filter query, next to a trivial route
// (/api/v1/health) on the same server in the same run. Reports req/s, p50 and p99 at full speed,
// and p99 at a held 500 req/s for the indicator request (goal: p99 < 50 ms).
// Run: `npm run bench -- api [--quick]`.
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { BenchOptions, BenchResult, Figure } from './types.js';

const INDICATOR =
  '/api/v1/values?indicator=aandeel_65plus&level=buurt&parent=GM0014&period=2020JJ00&pageSize=10000';
const ODATA =
  "/odata/v4/IndicatorValues?$filter=Indicator eq 'aandeel_65plus' and Period eq '2020JJ00' and startswith(Region,'BU0014')&$top=1000";
const TRIVIAL = '/api/v1/health';

interface Measured {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

function load(url: string, seconds: number, rate?: number): Promise<Measured> {
  process.stderr.write(
    `  ${url.replace(/^https?:\/\/[^/]+/, '')}${rate ? ` at ${rate} req/s` : ''} for ${seconds} s\n`,
  );
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections: 10,
        duration: seconds,
        headers: { 'accept-encoding': 'gzip' },
        ...(rate ? { overallRate: rate } : {}),
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          requestsPerSecond: result.requests.average,
          p50: result.latency.p50,
          p99: result.latency.p99,
          non2xx: result.non2xx,
          errors: result.errors,
        });
      },
    );
  });
}

async function startServerProcess(): Promise<{
  url: string;
  uncachedUrl: string;
  stop: () => Promise<void>;
}> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./api-server.ts', import.meta.url))],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const { url, uncachedUrl } = await new Promise<{ url: string; uncachedUrl: string }>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`the API server process exited (${code}) before it listened`)),
    );
    lines.once('line', (line) => resolve(JSON.parse(line) as { url: string; uncachedUrl: string }));
  });
  return {
    url,
    uncachedUrl,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        // A server that does not shut down within 30 s is killed: the figures are already taken.
        const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('exit', () => {
          clearTimeout(kill);
          done();
        });
        child.stdin!.end();
      }),
  };
}

/** Runs the benchmark and returns its figures. */
export async function run(options: BenchOptions): Promise<BenchResult> {
  const seconds = options.quick ? 4 : 10;
  const server = await startServerProcess();
  const notes: string[] = [];
  const figures: Figure[] = [];
  try {
    const indicatorBody = (await (await fetch(server.url + INDICATOR)).json()) as { data: unknown[] };
    notes.push(`indicator request: ${INDICATOR} -> ${indicatorBody.data.length} buurten (gzip accepted)`);
    const odataProbe = await fetch(server.url + ODATA.replaceAll(' ', '%20'));
    const withOData = odataProbe.status === 200;
    if (!withOData) notes.push(`OData query skipped: ${ODATA} answered ${odataProbe.status}`);
    else notes.push(`OData query: ${ODATA}`);

    // Warm-up, then each route at full speed on the same server, one after another.
    await load(server.url + INDICATOR, 2);
    const trivial = await load(server.url + TRIVIAL, seconds);
    const indicator = await load(server.url + INDICATOR, seconds);
    const engine = await load(server.uncachedUrl + INDICATOR, seconds);
    const odata = withOData ? await load(server.url + ODATA.replaceAll(' ', '%20'), seconds) : undefined;
    const held = await load(server.url + INDICATOR, seconds, 500);
    const heldEngine = await load(server.uncachedUrl + INDICATOR, seconds, 500);

    const add = (name: string, m: Measured) => {
      figures.push(
        {
          name: `${name} req/s`,
          value: m.requestsPerSecond,
          unit: 'req/s',
          reference: 'health req/s',
          referenceValue: trivial.requestsPerSecond,
          ratio: m.requestsPerSecond / trivial.requestsPerSecond,
        },
        {
          name: `${name} p50`,
          value: m.p50,
          unit: 'ms',
          reference: 'health p50',
          referenceValue: trivial.p50,
        },
        {
          name: `${name} p99`,
          value: m.p99,
          unit: 'ms',
          reference: 'health p99',
          referenceValue: trivial.p99,
        },
      );
      if (m.non2xx || m.errors) notes.push(`${name}: ${m.non2xx} non-2xx answers, ${m.errors} errors`);
    };
    figures.push(
      { name: 'health req/s', value: trivial.requestsPerSecond, unit: 'req/s' },
      { name: 'health p50', value: trivial.p50, unit: 'ms' },
      { name: 'health p99', value: trivial.p99, unit: 'ms' },
    );
    add('indicator x buurten of a gemeente x year', indicator);
    add('same, answer cache off (engine every time)', engine);
    if (odata) add('OData $filter', odata);
    figures.push(
      { name: 'indicator request at 500 req/s: achieved', value: held.requestsPerSecond, unit: 'req/s' },
      { name: 'indicator request at 500 req/s: p50', value: held.p50, unit: 'ms' },
      {
        name: 'indicator request at 500 req/s: p99',
        value: held.p99,
        unit: 'ms',
        goal: 'p99 < 50 ms at 500 req/s',
        met: held.p99 < 50 && held.requestsPerSecond >= 475,
      },
    );
    figures.push(
      {
        name: 'answer cache off, at 500 req/s: achieved',
        value: heldEngine.requestsPerSecond,
        unit: 'req/s',
      },
      { name: 'answer cache off, at 500 req/s: p50', value: heldEngine.p50, unit: 'ms' },
      { name: 'answer cache off, at 500 req/s: p99', value: heldEngine.p99, unit: 'ms' },
    );
    if (held.non2xx || held.errors) notes.push(`held rate: ${held.non2xx} non-2xx, ${held.errors} errors`);
    notes.push(
      `load average at the end: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(', ')} on ${cpus().length} cores (shared machine)`,
    );
    notes.push(
      `autocannon: 10 connections, ${seconds} s per run; the server runs in its own process on the same machine`,
    );
  } finally {
    await server.stop();
  }
  return { name: 'api', figures, notes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await run({ quick: process.argv.includes('--quick') }), null, 2));
}
