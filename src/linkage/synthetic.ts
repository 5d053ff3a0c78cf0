// SYNTHETIC microdata for the demo, the tests and the benchmark: a made-up population of Regio
// Groningen-Assen whose buurt totals (inhabitants, men and women, five age groups, households,
// and the numbers of persons with bijstand, AO, WW and AOW benefits) follow the real CBS key
// figures 2020 bundled with udc (data/regions/kwb2020_84799NED_groningen_assen_gm_wk_bu.csv).
// Every person, name, address, BSN, income decile and registration is invented; the files say
// "synthetic" in their names and in a README written next to them. BSNs pass the 11-test so the
// pseudonymisation does real work, and they come from one deterministic sequence, so they are
// unique. At scale 1 every buurt has exactly the CBS number of inhabitants; the other totals are
// met as closely as integer allocation allows (CBS rounds them to fives, so they need not add up).
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../core/random.js';
import { splitCsvLine } from '../sources/files/csv-dialect.js';
import { bsnFromBody } from './bsn.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The bundled CBS key figures 2020 (84799NED) for the gemeenten, wijken and buurten of the region. */
export const KWB_2020_RGA = resolve(here, '../../data/regions/kwb2020_84799NED_groningen_assen_gm_wk_bu.csv');

/** One buurt's CBS key figures the generator follows. */
export interface BuurtFigures {
  code: string;
  gemeente: string;
  inhabitants: number;
  men: number;
  women: number;
  /** 0-14, 15-24, 25-44, 45-64, 65+ */
  ageGroups: [number, number, number, number, number];
  households: number;
  singlePersonHouseholds: number;
  bijstand: number;
  ao: number;
  ww: number;
  aow: number;
  postcode: string;
}

const number = (text: string | undefined): number => {
  const t = (text ?? '').trim();
  return t === '' || t === '.' || Number.isNaN(Number(t)) ? 0 : Number(t);
};

/** Reads the buurten of the bundled key figures file (header names as CBS publishes them). */
export async function readBuurtFigures(file = KWB_2020_RGA): Promise<BuurtFigures[]> {
  const lines = (await readFile(file, 'utf8'))
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l !== '');
  const header = splitCsvLine(lines[0]!, ',');
  const at = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${file}: column ${name} is missing from the header`);
    return i;
  };
  const c = {
    code: at('WijkenEnBuurten'),
    kind: at('SoortRegio_2'),
    inhabitants: at('AantalInwoners_5'),
    men: at('Mannen_6'),
    women: at('Vrouwen_7'),
    ages: [
      'k_0Tot15Jaar_8',
      'k_15Tot25Jaar_9',
      'k_25Tot45Jaar_10',
      'k_45Tot65Jaar_11',
      'k_65JaarOfOuder_12',
    ].map(at),
    households: at('HuishoudensTotaal_28'),
    single: at('Eenpersoonshuishoudens_29'),
    bijstand: at('PersonenPerSoortUitkeringBijstand_83'),
    ao: at('PersonenPerSoortUitkeringAO_84'),
    ww: at('PersonenPerSoortUitkeringWW_85'),
    aow: at('PersonenPerSoortUitkeringAOW_86'),
    postcode: at('MeestVoorkomendePostcode_113'),
  };
  const buurten: BuurtFigures[] = [];
  for (const line of lines.slice(1)) {
    const f = splitCsvLine(line, ',');
    if (f[c.kind]!.trim() !== 'Buurt') continue;
    const code = f[c.code]!.trim();
    buurten.push({
      code,
      gemeente: `GM${code.slice(2, 6)}`,
      inhabitants: number(f[c.inhabitants]),
      men: number(f[c.men]),
      women: number(f[c.women]),
      ageGroups: c.ages.map((i) => number(f[i])) as BuurtFigures['ageGroups'],
      households: number(f[c.households]),
      singlePersonHouseholds: number(f[c.single]),
      bijstand: number(f[c.bijstand]),
      ao: number(f[c.ao]),
      ww: number(f[c.ww]),
      aow: number(f[c.aow]),
      postcode: /^\d{4}$/.test((f[c.postcode] ?? '').trim()) ? f[c.postcode]!.trim() : '',
    });
  }
  return buurten;
}

/** Splits `total` over `weights` in whole numbers that add up exactly (largest remainder). */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (total <= 0) return weights.map(() => 0);
  if (sum <= 0)
    return allocate(
      total,
      weights.map(() => 1),
    );
  const exact = weights.map((w) => (total * w) / sum);
  const whole = exact.map(Math.floor);
  let left = total - whole.reduce((s, w) => s + w, 0);
  const order = exact
    .map((e, i) => [e - Math.floor(e), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    whole[i]!++;
  }
  return whole;
}

export const BENEFITS = ['geen', 'bijstand', 'ao', 'ww', 'aow'] as const;
export const LABOUR = [
  'kind',
  'scholier',
  'werkzaam',
  'werkloos',
  'niet_beroepsbevolking',
  'gepensioneerd',
] as const;
const AGE_RANGES: readonly [number, number][] = [
  [0, 14],
  [15, 24],
  [25, 44],
  [45, 64],
  [65, 99],
];

/** A synthetic population held in typed arrays (5 million persons fit in a few hundred MB). */
export interface Population {
  buurten: BuurtFigures[];
  referenceDate: string;
  size: number;
  bsnBody: Uint32Array;
  /** Days since 1900-01-01 of the date of birth. */
  birth: Int32Array;
  age: Uint8Array;
  /** 0 man, 1 woman. */
  sex: Uint8Array;
  buurt: Uint16Array;
  household: Uint32Array;
  houseNumber: Uint16Array;
  /** Index of the two postcode letters. */
  postcodeLetters: Uint16Array;
  incomeDecile: Uint8Array;
  benefit: Uint8Array;
  labour: Uint8Array;
  /** The next unused BSN body: outsiders in registrations are drawn from here on. */
  nextBody: number;
}

// BSN bodies: a fixed permutation of 0..10^8-1 (7919 is coprime to 10^8), skipping bodies
// without a check digit. Deterministic and without repeats.
const BODY_STRIDE = 7919;
const BODY_OFFSET = 12_345_678;
function nextValidBody(index: number): [body: number, next: number] {
  for (let i = index; ; i++) {
    const body = (BODY_OFFSET + i * BODY_STRIDE) % 100_000_000;
    if (body >= 10_000_000 && bsnFromBody(body) !== undefined) return [i, i + 1];
  }
}
/** The BSN of a population index body. */
export function bsnOf(bodyIndex: number): string {
  return bsnFromBody((BODY_OFFSET + bodyIndex * BODY_STRIDE) % 100_000_000)!;
}

const EPOCH = Date.UTC(1900, 0, 1);
const DAY = 86_400_000;
/** A day number (since 1900-01-01) as YYYY-MM-DD. */
export function dayToIso(day: number): string {
  return new Date(EPOCH + day * DAY).toISOString().slice(0, 10);
}

const LETTERS = 'ABCDEFGHJKLMNPRSTVWXZ';
/** The two letters of a postcode index. */
export function letters(index: number): string {
  return `${LETTERS[Math.floor(index / LETTERS.length) % LETTERS.length]}${LETTERS[index % LETTERS.length]}`;
}

export interface PopulationOptions {
  seed?: number;
  /** Persons per CBS inhabitant (1: the real buurt totals; 7.3: about five million persons). */
  scale?: number;
  /** The day ages are counted on; default 2020-01-01 (the key figures' reference date). */
  referenceDate?: string;
  buurten?: BuurtFigures[];
}

/** Generates the synthetic population, buurt by buurt. */
export async function generatePopulation(options: PopulationOptions = {}): Promise<Population> {
  const buurten = options.buurten ?? (await readBuurtFigures());
  const scale = options.scale ?? 1;
  const reference = options.referenceDate ?? '2020-01-01';
  const random = seededRandom(options.seed ?? 20200101);
  const int = (n: number) => Math.floor(random() * n);
  const sizes =
    scale === 1
      ? buurten.map((b) => b.inhabitants)
      : allocate(
          Math.round(buurten.reduce((s, b) => s + b.inhabitants, 0) * scale),
          buurten.map((b) => b.inhabitants),
        );
  const size = sizes.reduce((s, n) => s + n, 0);
  const p: Population = {
    buurten,
    referenceDate: reference,
    size,
    bsnBody: new Uint32Array(size),
    birth: new Int32Array(size),
    age: new Uint8Array(size),
    sex: new Uint8Array(size),
    buurt: new Uint16Array(size),
    household: new Uint32Array(size),
    houseNumber: new Uint16Array(size),
    postcodeLetters: new Uint16Array(size),
    incomeDecile: new Uint8Array(size),
    benefit: new Uint8Array(size),
    labour: new Uint8Array(size),
    nextBody: 0,
  };
  const refYear = Number(reference.slice(0, 4));
  let body = 0;
  let person = 0;
  let household = 0;
  buurten.forEach((b, bi) => {
    const n = sizes[bi]!;
    if (n === 0) return;
    const start = person;
    const sexes = allocate(n, [b.men, b.women]);
    const ages = allocate(n, b.ageGroups);
    // Persons: age within its group (65+ thinning out with age), sex shuffled over them.
    const order: number[] = [];
    ages.forEach((count, g) => {
      const [lo, hi] = AGE_RANGES[g]!;
      for (let k = 0; k < count; k++) {
        const age =
          g === 4
            ? lo + (Math.floor(-Math.log(1 - random() * 0.995) * 9) % (hi - lo + 1))
            : lo + int(hi - lo + 1);
        const i = person++;
        p.age[i] = age;
        // Born on day 2..365 of year ref-1-age: exactly `age` on the reference date (1 January).
        const year = refYear - 1 - age;
        p.birth[i] = (Date.UTC(year, 0, 2) - EPOCH) / DAY + int(364);
        p.buurt[i] = bi;
        [p.bsnBody[i], body] = nextValidBody(body);
        order.push(i);
      }
    });
    shuffle(order, random);
    order.forEach((i, k) => (p.sex[i] = k < sexes[0]! ? 0 : 1));
    // Households: single-person ones first (adults), then every other adult heads or joins one,
    // children join a household with an adult.
    const adults = order.filter((i) => p.age[i]! >= 18);
    const children = order.filter((i) => p.age[i]! < 18);
    const households = Math.max(
      1,
      Math.min(Math.round((b.households || n / 2.2) * scale), adults.length || 1, n),
    );
    const singles = Math.min(
      Math.round(b.singlePersonHouseholds * scale),
      households - (children.length > 0 ? 1 : 0),
      adults.length,
    );
    const first = household;
    let a = 0;
    for (let h = 0; h < households; h++) {
      const i = a < adults.length ? adults[a++]! : children.pop()!;
      if (i === undefined) break;
      p.household[i] = first + h;
    }
    const multi = Math.max(1, households - singles);
    for (; a < adults.length; a++)
      p.household[adults[a]!] = first + singles + int(multi) - (singles >= households ? 1 : 0);
    for (const i of children) p.household[i] = first + singles + int(multi) - (singles >= households ? 1 : 0);
    household += households;
    // Address: postcode letters and house number per household.
    for (let i = start; i < person; i++) {
      const h = p.household[i]! - first;
      p.postcodeLetters[i] = (bi * 37 + Math.floor(h / 40)) % (LETTERS.length * LETTERS.length);
      p.houseNumber[i] = (h % 40) * 2 + 1;
    }
    // Labour status and benefits (the CBS buurt counts of bijstand, AO, WW and AOW).
    for (const i of order) {
      const age = p.age[i]!;
      const r = random();
      p.labour[i] = age < 15 ? 0 : age < 18 ? 1 : age >= 67 ? 5 : r < 0.7 ? 2 : r < 0.74 ? 3 : 4;
    }
    const pick = (count: number, eligible: number[], code: number) => {
      shuffle(eligible, random);
      let given = 0;
      for (const i of eligible) {
        if (given >= count) break;
        if (p.benefit[i] !== 0) continue;
        p.benefit[i] = code;
        given++;
      }
    };
    const working = order.filter((i) => p.age[i]! >= 18 && p.age[i]! < 67);
    pick(
      Math.round(b.aow * scale),
      order.filter((i) => p.age[i]! >= 67),
      4,
    );
    pick(Math.round(b.ww * scale), working.filter((i) => p.labour[i] === 3).concat(working), 3);
    pick(
      Math.round(b.bijstand * scale),
      working.filter((i) => p.labour[i] !== 2),
      1,
    );
    pick(
      Math.round(b.ao * scale),
      working.filter((i) => p.labour[i] !== 2),
      2,
    );
    for (const i of working) if (p.benefit[i] === 1 || p.benefit[i] === 2) p.labour[i] = 4;
    for (const i of working) if (p.benefit[i] === 3) p.labour[i] = 3;
    // Income decile (personal, of the household's adults; children take their household's).
    const byHousehold = new Map<number, number>();
    for (const i of adults) {
      const benefit = p.benefit[i]!;
      const d =
        benefit === 1
          ? 1 + int(2)
          : benefit === 2 || benefit === 3
            ? 2 + int(3)
            : benefit === 4
              ? 3 + int(5)
              : p.labour[i] === 2
                ? 3 + int(8)
                : 1 + int(5);
      p.incomeDecile[i] = d;
      if (!byHousehold.has(p.household[i]!)) byHousehold.set(p.household[i]!, d);
    }
    for (const i of children) p.incomeDecile[i] = byHousehold.get(p.household[i]!) ?? 1 + int(10);
  });
  p.nextBody = body;
  return p;
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

const FIRST = [
  'Anna',
  'Bram',
  'Daan',
  'Emma',
  'Fenna',
  'Gerrit',
  'Hilde',
  'Jan',
  'Lotte',
  'Marit',
  'Noah',
  'Pieter',
  'Roos',
  'Sem',
  'Tess',
  'Wietske',
];
const LAST = [
  'de Vries',
  'Bakker',
  'Mulder',
  'Smit',
  'Dijkstra',
  'Visser',
  'Bos',
  'Meijer',
  'Hoekstra',
  'Kuipers',
  'Postma',
  'Wiersma',
];
/** An invented name (the first and last names are common; the combination means nothing). */
function nameOf(i: number): string {
  return `${FIRST[i % FIRST.length]} ${LAST[(i >>> 4) % LAST.length]} (synthetisch)`;
}

/** The full postcode of a person. */
export function postcodeOf(p: Population, i: number): string {
  return `${p.buurten[p.buurt[i]!]!.postcode || '9999'} ${letters(p.postcodeLetters[i]!)}`;
}

async function writeLines(file: string, header: string, rows: Iterable<string>): Promise<number> {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  let buffer: string[] = [header];
  let count = 0;
  for (const row of rows) {
    buffer.push(row);
    count++;
    if (buffer.length >= 20_000) {
      if (!out.write(buffer.join('\n') + '\n')) await once(out, 'drain');
      buffer = [];
    }
  }
  out.write(buffer.length > 0 ? buffer.join('\n') + '\n' : '');
  out.end();
  await once(out, 'finish');
  return count;
}

/** The population file's columns: BSN and direct identifiers (to be dropped or hashed on import) and the analysis variables. */
export const POPULATION_HEADER =
  'bsn,naam,geboortedatum,geslacht,postcode,huisnummer,buurt,huishouden,inkomensdeciel,uitkering,arbeidspositie';

/** Writes the population as CSV (a BRP-like extract with income and labour variables). */
export async function writePopulationCsv(p: Population, file: string): Promise<number> {
  function* rows() {
    for (let i = 0; i < p.size; i++) {
      yield `${bsnOf(p.bsnBody[i]!)},${nameOf(i)},${dayToIso(p.birth[i]!)},${p.sex[i] ? 'V' : 'M'},${postcodeOf(p, i)},${p.houseNumber[i]},${p.buurten[p.buurt[i]!]!.code},H${p.household[i]},${p.incomeDecile[i]},${BENEFITS[p.benefit[i]!]},${LABOUR[p.labour[i]!]}`;
    }
  }
  return writeLines(file, POPULATION_HEADER, rows());
}

export type RegistrationKind = 'wmo' | 'schuldhulp' | 'jeugdzorg';

/** Who is likely to have a registration of each kind (per person, before any fixed number of rows). */
function propensity(kind: RegistrationKind, p: Population, i: number): number {
  const age = p.age[i]!;
  if (kind === 'jeugdzorg') return age < 18 ? (p.incomeDecile[i]! <= 2 ? 0.16 : 0.08) : 0;
  if (kind === 'wmo')
    return age >= 75 ? 0.3 : age >= 65 ? 0.1 : age >= 18 ? (p.benefit[i] === 2 ? 0.2 : 0.02) : 0;
  return age >= 18 && age < 67 ? (p.benefit[i] === 1 ? 0.12 : p.incomeDecile[i]! <= 2 ? 0.04 : 0.008) : 0;
}

const PRODUCTS: Record<RegistrationKind, readonly string[]> = {
  wmo: ['hulp_bij_huishouden', 'begeleiding', 'hulpmiddel', 'woonvoorziening', 'vervoer'],
  schuldhulp: ['aanmelding', 'stabilisatie', 'schuldregeling', 'nazorg'],
  jeugdzorg: ['jeugdhulp_zonder_verblijf', 'jeugdhulp_met_verblijf', 'jeugdbescherming'],
};

export interface RegistrationOptions {
  seed?: number;
  /** Exactly this many rows, persons drawn (without repeats) by their propensity; default: by propensity alone. */
  rows?: number;
  /** Share of rows for persons outside the population (moved away, other municipality). Default 0.01. */
  outsiders?: number;
}

/**
 * Writes a municipal registration (WMO support, debt counselling, youth care): one row per
 * person, with BSN, name and date of birth (to be dropped on import) and the scheme's details.
 */
export async function writeRegistrationCsv(
  p: Population,
  kind: RegistrationKind,
  file: string,
  options: RegistrationOptions = {},
): Promise<number> {
  const random = seededRandom(options.seed ?? kind.length * 7919);
  const chosen = choosePersons(p, random, (i) => propensity(kind, p, i), options.rows);
  const outsiders = Math.round(chosen.length * (options.outsiders ?? 0.01));
  const products = PRODUCTS[kind];
  let body = p.nextBody + (kind === 'wmo' ? 0 : kind === 'schuldhulp' ? 5_000_000 : 10_000_000);
  function* rows() {
    for (let k = 0; k < chosen.length; k++) {
      const start = `2019-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
      const product = products[Math.floor(random() * products.length)]!;
      if (k < outsiders) {
        const [b, next] = nextValidBody(body);
        body = next;
        yield `${bsnOf(b)},${nameOf(b)},${dayToIso(20000 + Math.floor(random() * 30000))},${product},${start}`;
      } else {
        const i = chosen[k]!;
        yield `${bsnOf(p.bsnBody[i]!)},${nameOf(i)},${dayToIso(p.birth[i]!)},${product},${start}`;
      }
    }
  }
  return writeLines(file, 'bsn,naam,geboortedatum,voorziening,startdatum', rows());
}

/** Persons drawn by propensity; with `rows`, exactly that many (filling up at random if too few). */
function choosePersons(
  p: Population,
  random: () => number,
  weight: (i: number) => number,
  rows?: number,
): number[] {
  const chosen: number[] = [];
  const taken = new Uint8Array(p.size);
  const boost = rows === undefined ? 1 : Math.max(1, rows / Math.max(1, expected(p, weight)));
  for (let i = 0; i < p.size && (rows === undefined || chosen.length < rows); i++) {
    if (random() < weight(i) * boost) {
      chosen.push(i);
      taken[i] = 1;
    }
  }
  if (rows !== undefined) {
    if (rows > p.size) throw new Error(`${rows} rows asked from a population of ${p.size}`);
    while (chosen.length < rows) {
      const i = Math.floor(random() * p.size);
      if (!taken[i]) {
        taken[i] = 1;
        chosen.push(i);
      }
    }
  }
  shuffle(chosen, random);
  return chosen;
}

function expected(p: Population, weight: (i: number) => number): number {
  let sum = 0;
  for (let i = 0; i < p.size; i += 97) sum += weight(i) * 97;
  return sum;
}

export interface UnkeyedOptions {
  seed?: number;
  rows?: number;
  /** Share of rows for persons not in the population. Default 0.05. */
  outsiders?: number;
  /** Share of rows with a wrong date of birth, house number, postcode (each). Default 0.03, 0.03, 0.05. */
  errors?: { birth?: number; houseNumber?: number; postcode?: number };
}

/**
 * Writes a registration WITHOUT BSN (e.g. a food bank's clients: date of birth, sex, postcode,
 * house number) with realistic errors, and a truth file saying which population index each row
 * belongs to (-1 for outsiders), for measuring probabilistic linkage.
 */
export async function writeUnkeyedCsv(
  p: Population,
  file: string,
  truthFile: string,
  options: UnkeyedOptions = {},
): Promise<{ rows: number; truth: Int32Array }> {
  const random = seededRandom(options.seed ?? 4242);
  const chosen = choosePersons(
    p,
    random,
    (i) => (p.age[i]! >= 18 && p.incomeDecile[i]! <= 3 ? 0.05 : 0.003),
    options.rows,
  );
  const outsiders = Math.round(chosen.length * (options.outsiders ?? 0.05));
  const e = { birth: 0.03, houseNumber: 0.03, postcode: 0.05, ...options.errors };
  const truth = new Int32Array(chosen.length);
  const lines: string[] = [];
  for (let k = 0; k < chosen.length; k++) {
    if (k < outsiders) {
      truth[k] = -1;
      const j = Math.floor(random() * p.size);
      const pc = `${p.buurten[p.buurt[j]!]!.postcode || '9999'} ${letters(Math.floor(random() * 441))}`;
      lines.push(
        `${k + 1},${dayToIso(20000 + Math.floor(random() * 30000))},${random() < 0.5 ? 'M' : 'V'},${pc},${1 + Math.floor(random() * 120)},${1 + Math.floor(random() * 20)}`,
      );
      continue;
    }
    const i = chosen[k]!;
    truth[k] = i;
    let birth = p.birth[i]!;
    if (random() < e.birth) birth += random() < 0.5 ? 1 : 31;
    let house = p.houseNumber[i]!;
    if (random() < e.houseNumber) house += 2;
    let pc = postcodeOf(p, i);
    if (random() < e.postcode)
      pc = `${p.buurten[p.buurt[i]!]!.postcode || '9999'} ${letters(Math.floor(random() * 441))}`;
    const written = random() < 0.3 ? dayToIso(birth).split('-').reverse().join('-') : dayToIso(birth);
    lines.push(
      `${k + 1},${written},${p.sex[i] ? 'V' : 'M'},${random() < 0.2 ? pc.replace(' ', '').toLowerCase() : pc},${house},${1 + Math.floor(random() * 20)}`,
    );
  }
  await writeLines(file, 'regel,geboortedatum,geslacht,postcode,huisnummer,pakketten', lines);
  await writeLines(
    truthFile,
    'regel,bsn',
    [...truth].map((t, k) => `${k + 1},${t < 0 ? '' : bsnOf(p.bsnBody[t]!)}`),
  );
  return { rows: chosen.length, truth };
}

/** Import configurations that fit the synthetic files (YAML text). */
export const SYNTHETIC_CONFIGS: Record<string, string> = {
  population: `# SYNTHETIC population of Regio Groningen-Assen (udc linkage synthetic)
synthetic: true
referenceDate: '2020-01-01'
columns:
  bsn: bsn
  naam: drop
  geboortedatum: age
  postcode: pc4
  huisnummer: drop
  huishouden: text
  inkomensdeciel: integer
`,
  population_linkable: `# as population, plus keyed hashes of the fields a file without BSN links on
synthetic: true
referenceDate: '2020-01-01'
columns:
  bsn: bsn
  naam: drop
  geboortedatum: [age, hash:dob]
  postcode: [pc4, hash:postcode]
  huisnummer: hash:house_number
  huishouden: text
  inkomensdeciel: integer
`,
  registration: `# SYNTHETIC municipal registration, one row per person
synthetic: true
columns:
  bsn: bsn
  naam: drop
  geboortedatum: drop
`,
  unkeyed: `# SYNTHETIC registration without BSN: linkage fields hashed, nothing else identifying kept
synthetic: true
columns:
  regel: integer
  geboortedatum: hash:dob
  postcode: hash:postcode
  huisnummer: hash:house_number
  pakketten: integer
`,
};

/** Writes the whole synthetic set (population, three registrations, a file without BSN, configs, README) into `dir`. */
export async function writeSyntheticSet(
  dir: string,
  options: PopulationOptions & { registrationRows?: Partial<Record<RegistrationKind, number>> } = {},
): Promise<{ files: string[]; persons: number }> {
  const { writeFile } = await import('node:fs/promises');
  const p = await generatePopulation(options);
  const files: string[] = [];
  const file = (name: string) => {
    const path = join(dir, name);
    files.push(path);
    return path;
  };
  await writePopulationCsv(p, file('synthetic_population_rga2020.csv'));
  for (const kind of ['wmo', 'schuldhulp', 'jeugdzorg'] as const)
    await writeRegistrationCsv(p, kind, file(`synthetic_${kind}_rga2020.csv`), {
      seed: (options.seed ?? 1) + kind.length,
      rows: options.registrationRows?.[kind],
    });
  await writeUnkeyedCsv(
    p,
    file('synthetic_voedselbank_rga2020_zonder_bsn.csv'),
    file('synthetic_voedselbank_rga2020_truth.csv'),
    {
      seed: (options.seed ?? 1) + 99,
    },
  );
  for (const [name, text] of Object.entries(SYNTHETIC_CONFIGS))
    await writeFile(file(`synthetic_${name}.yaml`), text);
  await writeFile(
    file('README-SYNTHETIC.md'),
    `# SYNTHETIC data, not real persons\n\nGenerated by \`udc linkage synthetic\` (seed ${options.seed ?? 20200101}, scale ${options.scale ?? 1}). ` +
      `${p.size} invented persons in ${p.buurten.length} buurten of Regio Groningen-Assen. At scale 1 every buurt has the number of ` +
      'inhabitants of the CBS Kerncijfers wijken en buurten 2020 (84799NED); men/women, five age groups, households and the ' +
      'numbers of persons with bijstand, AO, WW and AOW follow the same key figures as closely as whole numbers allow. ' +
      "Names, BSNs (valid by the 11-test, never issued to anyone by this generator's knowledge), addresses, income deciles and " +
      'registrations are invented. The truth file tells which population row each row of the file without BSN belongs to.\n',
  );
  return { files, persons: p.size };
}
