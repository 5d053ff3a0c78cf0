import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  checkContrast,
  checkDatacenter,
  contrastRatio,
  datacenterLibrary,
  datacenterNames,
  DatacenterError,
  logoProblems,
  readDatacenter,
  readDatacenters,
} from '../../src/datacenters/index.js';
import { main } from '../../src/cli/main.js';
import {
  DATACENTERS_DIR,
  ensureRegister,
  listRegions,
  readAllCustomRegions,
} from '../../src/regions/index.js';
import type { Store } from '../../src/store/index.js';
import { temporaryStore } from '../helpers/store.js';

let store: Store;
let dir: string;
let dispose: () => Promise<void>;

beforeAll(async () => {
  ({ store, dir, dispose } = await temporaryStore());
  await ensureRegister(store);
}, 120_000);
afterAll(() => dispose());

const MRE = [
  'GM0743',
  'GM1724',
  'GM0753',
  'GM1728',
  'GM1706',
  'GM0762',
  'GM0770',
  'GM0772',
  'GM1771',
  'GM1652',
  'GM1658',
  'GM0794',
  'GM1659',
  'GM0820',
  'GM0823',
  'GM1667',
  'GM0847',
  'GM0848',
  'GM0858',
  'GM0861',
  'GM0866',
];
const PARKSTAD = ['GM0899', 'GM0917', 'GM0928', 'GM0882', 'GM0965', 'GM0986', 'GM1954'];
const RGA = [
  'GM0014',
  'GM0106',
  'GM1730',
  'GM1680',
  'GM1699',
  'GM1952',
  'GM1966',
  'GM1969',
  'GM1979',
  'GM1895',
  'GM0047',
  'GM0765',
];

describe('the shipped data centers', () => {
  it('are groningen, eindhoven and heerlen, and each configuration validates', async () => {
    expect(datacenterNames()).toEqual(['eindhoven', 'groningen', 'heerlen']);
    const all = await readDatacenters();
    expect(all.map((d) => [d.id, d.region, d.home])).toEqual([
      ['eindhoven', 'X_MRE', ['GM0772']],
      ['groningen', 'X_RGA', ['GM0014']],
      ['heerlen', 'X_PARKSTAD', ['GM0917']],
    ]);
    for (const d of all) {
      expect(checkContrast(d.colours).every((r) => r.passes)).toBe(true);
      expect(logoProblems(d.logoSvg)).toEqual([]);
    }
  });

  it('each builds: its selection exists in the library (shared and local) and its region is in the register', async () => {
    for (const d of await readDatacenters()) {
      const library = await datacenterLibrary(d);
      const check = await checkDatacenter(d, { library, store, years: [2024, 2026] });
      expect(check.problems, d.id).toEqual([]);
      expect(check.summary.indicators).toBeGreaterThan(10);
    }
    // Heerlen's local indicator adds to the shared library without replacing any.
    const heerlen = await readDatacenter('heerlen');
    const library = await datacenterLibrary(heerlen);
    const local = library.indicators.filter((i) => i.library === 'heerlen');
    expect(local.map((i) => i.id)).toEqual(['mannen_per_100_vrouwen']);
    expect(library.indicators.filter((i) => i.library === 'shared').length).toBe(51);
  });

  it('places every data center’s custom region with the right members in 2024 and 2026', async () => {
    for (const year of [2024, 2026]) {
      const members = async (code: string) =>
        (await listRegions(store, { year, parent: code, level: 'gemeente' })).map((r) => r.code);
      expect(await members('X_MRE')).toEqual([...MRE].sort());
      expect(await members('X_PARKSTAD')).toEqual([...PARKSTAD].sort());
      expect(await members('X_RGA')).toEqual([...RGA].sort());
    }
    // Before Beekdaelen (2019) its three predecessors take its place, Schinnen included (documented).
    const in2018 = (await listRegions(store, { year: 2018, parent: 'X_PARKSTAD' })).map((r) => r.code);
    expect(in2018).toEqual([
      'GM0881',
      'GM0882',
      'GM0899',
      'GM0917',
      'GM0928',
      'GM0951',
      'GM0962',
      'GM0965',
      'GM0986',
    ]);
    // Groningen's stadsdelen are still there.
    expect(await listRegions(store, { year: 2020, parent: 'X_GRO_CENTRUM' })).toHaveLength(1);
  });
});

describe('a wrong configuration', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'udc-dc-'));
    await cp(join(DATACENTERS_DIR, 'heerlen'), join(root, 'heerlen'), { recursive: true });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  const edit = async (change: (text: string) => string) => {
    const file = join(root, 'heerlen', 'datacenter.yaml');
    const original = await readFile(join(DATACENTERS_DIR, 'heerlen', 'datacenter.yaml'), 'utf8');
    await writeFile(file, change(original));
  };

  it('is refused with file, line and column for each problem', async () => {
    await edit((t) =>
      t.replace('home: [GM0917]', 'home: [GM0917, Heerlen]').replace("primary: '#7a1f3d'", "primary: 'rood'"),
    );
    const error = await readDatacenter('heerlen', root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatacenterError);
    const problems = (error as DatacenterError).problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/datacenter\.yaml: line 12, column 16: home\.1: expected a region code/);
    expect(problems[1]).toMatch(
      /datacenter\.yaml: line \d+, column \d+: colours\.primary: expected a colour as #rrggbb/,
    );
  });

  it('names colours that do not contrast enough, and an unsafe logo', async () => {
    await edit((t) => t.replace("text: '#1b1b1b'", "text: '#9a9a9a'"));
    await writeFile(
      join(root, 'heerlen', 'logo.svg'),
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><title>x</title><script>alert(1)</script><image href="https://example.org/a.png"/></svg>',
    );
    const problems = ((await readDatacenter('heerlen', root).catch((e: unknown) => e)) as DatacenterError)
      .problems;
    expect(
      problems.some((p) =>
        /colours\.text: contrast text on background is 2\.\d+:1; body text \(WCAG 1\.4\.3\) needs at least 4\.5:1/.test(
          p,
        ),
      ),
    ).toBe(true);
    expect(problems.some((p) => /logo: logo\.svg contains a <script>/.test(p))).toBe(true);
    expect(problems.some((p) => /logo: logo\.svg refers to an external resource/.test(p))).toBe(true);
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 6);
    await cp(join(DATACENTERS_DIR, 'heerlen', 'logo.svg'), join(root, 'heerlen', 'logo.svg'));
  });

  it('finds indicators the library lacks or files under the wrong theme', async () => {
    await edit((t) =>
      t.replace(
        'indicators: [bijstand_per_1000,',
        'indicators: [bestaat_niet, aandeel_managers, bijstand_per_1000,',
      ),
    );
    const d = await readDatacenter('heerlen', root);
    const check = await checkDatacenter(d, { library: await datacenterLibrary(d) });
    expect(check.problems).toHaveLength(2);
    expect(check.problems[0]).toMatch(
      /line \d+, column \d+: themes\.3\.indicators\.0: the library \(shared and local\) has no indicator bestaat_niet/,
    );
    expect(check.problems[1]).toMatch(
      /themes\.3\.indicators\.1: indicator aandeel_managers belongs to theme economie, not arbeidsmarkt/,
    );
  });

  it('refuses a custom region code that two data centers define', async () => {
    await cp(join(DATACENTERS_DIR, 'heerlen', 'regions.yaml'), join(root, 'copy', 'regions.yaml'), {
      recursive: true,
    }).catch(async () => {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(join(root, 'copy'));
      await cp(join(DATACENTERS_DIR, 'heerlen', 'regions.yaml'), join(root, 'copy', 'regions.yaml'));
    });
    await expect(readAllCustomRegions(root)).rejects.toThrow(
      /custom region X_PARKSTAD is already defined in .*regions\.yaml; codes are unique over all data centers/,
    );
    await rm(join(root, 'copy'), { recursive: true });
    expect((await readAllCustomRegions(root)).map((r) => r.code)).toEqual(['X_PARKSTAD']);
  });

  it('udc datacenter check reports it with exit code 1; the shipped ones pass', async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    try {
      const database = join(dir, 'udc.duckdb');
      await store.close().catch(() => undefined);
      expect(await main(['datacenter', 'check', '--database', database])).toBe(0);
      expect(out.join('')).toMatch(
        /eindhoven: ok: \d+ indicators \(0 local\), region members 21 in 2024, 21 in 2026/,
      );
      expect(out.join('')).toMatch(
        /heerlen: ok: \d+ indicators \(1 local\), region members 7 in 2024, 7 in 2026/,
      );
      out.length = 0;
      process.exitCode = undefined;
      expect(await main(['datacenter', 'check', 'heerlen', '--root', root, '--database', database])).toBe(1);
      expect(out.join('')).toMatch(/heerlen: 2 problem\(s\):/);
      out.length = 0;
      process.exitCode = undefined;
      expect(await main(['datacenter', 'list', '--json'])).toBe(0);
      expect((JSON.parse(out.join('')) as { name: string }[]).map((r) => r.name)).toEqual([
        'eindhoven',
        'groningen',
        'heerlen',
      ]);
    } finally {
      spy.mockRestore();
      process.exitCode = undefined;
    }
  });
});
