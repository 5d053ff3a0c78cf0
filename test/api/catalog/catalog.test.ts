import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedWorld, type PublishedWorld } from '../../helpers/published.js';
import { jsonLdTriples, parseTurtle, type Triple } from './turtle.js';

let world: PublishedWorld;
beforeAll(async () => {
  world = await publishedWorld();
}, 120_000);
afterAll(() => world.close());

const DCAT = 'http://www.w3.org/ns/dcat#';
const DCT = 'http://purl.org/dc/terms/';
const TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const EU = 'http://publications.europa.eu/resource/authority';

function graph(triples: Triple[]) {
  const objects = (s: string, p: string) => triples.filter((t) => t.s === s && t.p === p).map((t) => t.o);
  const subjects = (type: string) => triples.filter((t) => t.p === TYPE && t.o === type).map((t) => t.s);
  return { objects, subjects };
}

describe('DCAT-AP-NL 3.0 catalogue', () => {
  it('Turtle (by Accept and /catalog.ttl) and JSON-LD say the same', async () => {
    const negotiated = await fetch(`${world.server.url}/catalog`, { headers: { accept: 'text/turtle' } });
    expect(negotiated.headers.get('content-type')).toMatch(/^text\/turtle/);
    const ttl = await (await fetch(`${world.server.url}/catalog.ttl`)).text();
    const ld = await fetch(`${world.server.url}/catalog`);
    expect(ld.headers.get('content-type')).toMatch(/^application\/ld\+json/);
    const fromTurtle = parseTurtle(ttl);
    const fromJsonLd = jsonLdTriples((await ld.json()) as never);
    // Blank node labels differ; everything else must be identical.
    const ground = (ts: Triple[]) =>
      ts
        .map((t) => `${t.s.startsWith('_:') ? '_' : t.s} ${t.p} ${t.o.startsWith('_:') ? '_' : t.o}`)
        .filter((t) => !t.includes('dct:modified') && !t.includes(`${DCT}modified`))
        .sort();
    expect(ground(fromTurtle)).toEqual(ground(fromJsonLd));
    expect(fromTurtle.length).toBeGreaterThan(100);
  });

  it('has the required DCAT-AP-NL properties on catalogue, datasets and distributions', async () => {
    const triples = parseTurtle(await (await fetch(`${world.server.url}/catalog.ttl`)).text());
    const { objects, subjects } = graph(triples);
    const [catalog] = subjects(`${DCAT}Catalog`);
    expect(catalog).toBe(`${world.server.url}/catalog`);
    for (const p of ['title', 'description', 'publisher', 'language', 'license']) {
      expect(objects(catalog!, `${DCT}${p}`).length, p).toBeGreaterThan(0);
    }
    const datasets = subjects(`${DCAT}Dataset`);
    expect(objects(catalog!, `${DCAT}dataset`).sort()).toEqual([...datasets].sort());
    const ids = datasets.map((d) => objects(d, `${DCT}identifier`)[0]);
    expect(ids).toEqual(expect.arrayContaining(['"cbs-03759ned-bevolking"', '"indicators/bevolking"']));
    expect(ids).not.toContain('"intern-bevolking"');
    for (const d of datasets) {
      for (const p of [
        `${DCT}title`,
        `${DCT}description`,
        `${DCT}identifier`,
        `${DCT}publisher`,
        `${DCAT}contactPoint`,
        `${DCT}accessRights`,
        `${DCAT}theme`,
        `${DCT}language`,
        `${DCT}spatial`,
        `${DCT}temporal`,
        `${DCAT}distribution`,
      ]) {
        expect(objects(d, p).length, `${d} ${p}`).toBeGreaterThan(0);
      }
      expect(objects(d, `${DCT}accessRights`)).toEqual([`${EU}/access-right/PUBLIC`]);
      const [period] = objects(d, `${DCT}temporal`);
      expect(objects(period!, `${DCAT}startDate`)[0]).toMatch(
        /^"\d{4}-01-01"\^\^http:\/\/www\.w3\.org\/2001\/XMLSchema#date$/,
      );
      for (const dist of objects(d, `${DCAT}distribution`)) {
        for (const p of [`${DCAT}accessURL`, `${DCT}license`, `${DCT}format`, `${DCAT}mediaType`]) {
          expect(objects(dist, p).length, `${dist} ${p}`).toBe(1);
        }
      }
    }
    // CBS data: CC BY 4.0, and the demo population table covers 2019-2026.
    const population = `${world.server.url}/catalog/datasets/cbs-03759ned-bevolking`;
    const licences = objects(population, `${DCAT}distribution`).flatMap((x) => objects(x, `${DCT}license`));
    expect(new Set(licences)).toEqual(new Set(['http://creativecommons.org/licenses/by/4.0/']));
    const [temporal] = objects(population, `${DCT}temporal`);
    expect(objects(temporal!, `${DCAT}endDate`)[0]).toMatch(/^"2026-12-31"/);
    // The indicator set is offered in every export format.
    const theme = `${world.server.url}/catalog/indicators/bevolking`;
    const formats = objects(theme, `${DCAT}distribution`).flatMap((x) => objects(x, `${DCT}format`));
    for (const f of ['JSON', 'CSV', 'XLSX', 'PARQUET', 'GEOJSON'])
      expect(formats).toContain(`${EU}/file-type/${f}`);
  });

  it('points at distributions that answer (OData v4 and StatLine v3)', async () => {
    const { objects, subjects } = graph(
      parseTurtle(await (await fetch(`${world.server.url}/catalog.ttl`)).text()),
    );
    const urls = subjects(`${DCAT}Distribution`)
      .flatMap((d) => objects(d, `${DCAT}accessURL`))
      .filter((u) => /\/(odata\/v4|ODataApi|ODataFeed)\//.test(u));
    expect(urls.length).toBeGreaterThan(5);
    for (const url of urls) expect((await fetch(url)).status, url).toBe(200);
  });
});
