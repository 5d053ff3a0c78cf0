import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { openDuckDBStore } from '../../../src/store/index.js';
import { ODATA_FIXTURES, file, startReplayServer, type ReplayServer } from '../../helpers/replay-server.js';
import { serve80137ned, serveThemes } from '../../helpers/statline-tables.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';

let server: ReplayServer;
let dir: string;
let out: string[];
let err: string[];

beforeEach(async () => {
  server = await startReplayServer();
  dir = await mkdtemp(join(tmpdir(), 'udc-statline-cli-'));
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  process.exitCode = undefined;
});
afterEach(async () => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('udc statline', () => {
  it('imports, describes, mirrors and searches against a replay server', async () => {
    serve80137ned(server);
    server.route(
      '/ODataCatalog/Tables',
      file(join(ODATA_FIXTURES, 'v3-cbsodata3jl/ODataCatalog__Tables.json')),
    );
    const common = ['--base-url', server.url, '--data-dir', dir];

    expect(await main(['statline', 'import', '80137ned', '--typed', ...common])).toBe(0);
    expect(out.join('')).toContain('8100 observations stored');
    expect(err.join('')).toMatch(/80137ned: 675 rows in 1 page in/);

    out = [];
    expect(await main(['statline', 'mirror', '80137ned', ...common])).toBe(0);
    expect(out.join('')).toBe('80137ned: unchanged since 2009-07-10T02:00:00 (not downloaded)\n');

    out = [];
    expect(await main(['statline', 'info', '80137ned', ...common])).toBe(0);
    expect(out.join('')).toContain('Gemiddeld aantal banen: Werknemers');
    expect(out.join('')).toMatch(/Perioden\s+Perioden\s+time\s+5\s+2001JJ00\s+2005JJ00/);

    out = [];
    expect(await main(['statline', 'search', 'vacatures', 'regio', ...common])).toBe(0);
    expect(out.join('')).toContain('83599NED  Openstaande vacatures; SBI 2008, regio');
    expect(out.join('')).toContain('1 tables');

    const store = await openDuckDBStore({ path: join(dir, 'udc.duckdb') });
    expect(await store.one(`SELECT count(*) AS n FROM observation WHERE dataset = '80137ned'`)).toEqual({
      n: 8100,
    });
    await store.close();
  });

  it('searches by theme and shows where each table is filed', async () => {
    serveThemes(server);
    expect(await main(['statline', 'search', '--theme', 'vacatures', '--base-url', server.url])).toBe(0);
    expect(out.join('')).toMatch(
      /83599NED\s+Openstaande vacatures; SBI 2008, regio .*Arbeid en sociale zekerheid > Vacatures/,
    );
    expect(out.join('')).toContain('1 tables');
    out = [];
    expect(
      await main([
        'statline',
        'search',
        '--theme',
        'arbeid',
        '--modified-since',
        'last week',
        '--base-url',
        server.url,
      ]),
    ).toBe(2);
    expect(err.join('')).toContain('--modified-since must be a date such as 2024-01-31');
  });

  it('says which URL failed and exits 3 when the server is unreachable', async () => {
    const url = server.url;
    await server.close();
    server = await startReplayServer();
    const code = await main([
      'statline',
      'info',
      '80137ned',
      '--base-url',
      url,
      '--retries',
      '0',
      '--no-cache',
    ]);
    expect(code).toBe(3);
    expect(err.join('')).toContain(
      `udc: ${url}/ODataApi/OData/80137ned/TableInfos?$format=json: network error`,
    );
  });

  it('exits 1 for a table that does not exist, naming it', async () => {
    const code = await main(['statline', 'import', '12345XYZ', '--base-url', server.url, '--data-dir', dir]);
    expect(code).toBe(1);
    expect(err.join('')).toContain('/ODataApi/OData/12345XYZ/TableInfos');
    expect(err.join('')).toContain('is the table id right?');
  });
});
