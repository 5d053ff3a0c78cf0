// The download reads a page's next link from the ends of its bytes (envelope.ts) instead of
// parsing it: it must find the same link JSON.parse finds, whatever the escapes, spacing and order,
// refuse a body that is not JSON, and leave a page broken in the middle to be named when read.
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  StatlineClient,
  StatlineHttpError,
  cacheRoot,
  importTable,
} from '../../../src/sources/statline/index.js';
import { readEnvelope } from '../../../src/sources/statline/envelope.js';
import { readODataPage } from '../../../src/sources/statline/feed.js';
import type { Store } from '../../../src/store/index.js';
import { ODATA_FIXTURES, text, type ReplayServer } from '../../helpers/replay-server.js';
import { useReplayServerAndStore } from '../../helpers/replay-store.js';
import { observationsPage, serveSynthetic, syntheticTable } from '../../helpers/statline-tables.js';
import { rowCounts } from '../../helpers/store.js';

const bytes = (s: string) => Buffer.from(s, 'utf8');
// The recorded v3 bulk page 1 of 83599NED: 10,000 rows, then odata.nextLink.
const recorded = readFileSync(join(ODATA_FIXTURES, 'v3-cbsodata3jl/83599NED__UntypedDataSet__page1.json'));
const parsed = JSON.parse(recorded.toString('utf8')) as Record<string, unknown>;
const link = readODataPage('page1', parsed).nextLink!;

describe('readEnvelope', () => {
  it('finds the next link of a recorded page without parsing its rows', () => {
    expect(link).toBe(
      'https://opendata.cbs.nl/ODataFeed/OData/83599NED/UntypedDataSet/?$format=json&$skip=10000',
    );
    expect(readEnvelope('page1', recorded)).toEqual({ nextLink: link, count: undefined });
  });

  it('reads escaped names and links, pretty-printed pages and a link before the rows', () => {
    const rows = JSON.stringify(parsed['value']);
    // \/ and \u0040 are what some servers write; the key and link must still be recognised.
    const escaped = `{"odata.metadata":"x","value":${rows},"\\u0040odata.nextLink":"${link.replace(/\//g, '\\/')}"}`;
    expect(readEnvelope('escaped', bytes(escaped)).nextLink).toBe(link);
    const pretty = JSON.stringify(parsed, null, 2);
    expect(readEnvelope('pretty', bytes(`\ufeff${pretty}\n`)).nextLink).toBe(link);
    const first = `{ "@odata.nextLink" : "${link}", "@odata.count": 15504, "value" : ${rows} }`;
    expect(readEnvelope('first', bytes(first))).toEqual({ nextLink: link, count: 15504 });
  });

  it('is not fooled by link-like text and quotes inside the rows', () => {
    const rows = [{ Id: 1, StringValue: 'a \\"quoted\\" ] , "odata.nextLink":"https://evil/"' }];
    const last = JSON.stringify({ 'odata.metadata': 'x', value: rows });
    expect(readEnvelope('last', bytes(last))).toEqual({ nextLink: undefined, count: undefined });
    const withLink = JSON.stringify({ value: rows, 'odata.nextLink': 'https://x/?$skip=1&q="a\\b"' });
    expect(readEnvelope('link', bytes(withLink)).nextLink).toBe('https://x/?$skip=1&q="a\\b"');
  });

  it('parses an unusual shape whole: an object after the link, "value" not first, an array without envelope', () => {
    const object = `{"value":[{"Id":1}],"@odata.nextLink":"https://x/?$skip=1","extra":{"a":[1]}}`;
    expect(readEnvelope('object', bytes(object)).nextLink).toBe('https://x/?$skip=1');
    const other = `{"extra":[1],"@odata.nextLink":"https://x/?$skip=2","value":[{"Id":1}]}`;
    expect(readEnvelope('other', bytes(other)).nextLink).toBe('https://x/?$skip=2');
    // Known limit: members between two top-level arrays are not seen (OData puts only the
    // "value" array in a collection page; its annotations are strings and numbers).
    expect(readEnvelope('bare', bytes('[{"Id":1}]'))).toEqual({});
  });

  it('refuses a body that is not a whole JSON document, naming where it came from', () => {
    const cases = [
      '',
      '{"value":[{"Id":20,"Measure":"M000001",',
      recorded.subarray(0, recorded.length - 40).toString('utf8'),
      '{"value":[],"odata.nextLink":"https://x/",}',
      '{"value":[],"odata.nextLink":https://x/}',
      '<html>Service Unavailable</html>',
    ];
    for (const body of cases) {
      const error = (() => {
        try {
          readEnvelope('https://host/page', bytes(body));
        } catch (e) {
          return e;
        }
      })() as StatlineHttpError;
      expect(error, body).toBeInstanceOf(StatlineHttpError);
      expect(error.kind).toBe('json');
      expect(error.message).toMatch(
        /^https:\/\/host\/page did not return valid JSON \(.*expected an OData JSON document$/,
      );
    }
    expect(() => readEnvelope('u', bytes('{"error":{"code":"x"}}'))).toThrow(
      'u returned JSON without a "value" array',
    );
  });
});

describe('a page broken in the middle', () => {
  let server: ReplayServer;
  let store: Store;
  let dir: string;
  useReplayServerAndStore((world) => ({ server, store, dir } = world));

  it('is named by URL when the pages are read, removed from the cache, and fetched again next time', async () => {
    const table = syntheticTable({ id: '99994SYN', regions: 3 });
    let broken = true;
    serveSynthetic(server, table, {
      pageSize: 20,
      // Page 2 has a whole envelope but a row that is not JSON: only reading its rows shows it.
      fault: (page) =>
        page === 2 && broken
          ? text(observationsPage(table, 20, 20, server.url).replace('"Measure":', '"Measure":,'))
          : undefined,
    });
    const client = new StatlineClient({ baseUrl: `${server.url}/odata/v1`, cacheDir: cacheRoot(dir) });
    const before = await rowCounts(store);
    const error = (await importTable(store, client, table.id).catch((e: unknown) => e)) as StatlineHttpError;
    expect(error).toBeInstanceOf(StatlineHttpError);
    expect(error.kind).toBe('json');
    expect(error.url).toBe(`${server.url}/odata/v1/CBS/${table.id}/Observations?$skip=20`);
    expect(error.message).toMatch(
      /did not return valid JSON .*\(page 2, stored as .*page-00002\.json; removed from the cache/,
    );
    expect(await rowCounts(store)).toEqual(before);
    const cached = (await readdir(cacheRoot(dir), { recursive: true })).map(String);
    expect(cached.filter((f) => f.endsWith('page-00001.json'))).toHaveLength(1);
    expect(cached.filter((f) => /page-0000[2-9]\.json$|complete$/.test(f))).toEqual([]);

    broken = false;
    const result = await importTable(store, client, table.id);
    expect(result.pagesFromCache).toBe(1);
    expect(result.report.outcome).toBe('stored');
    expect(result.rowsDownloaded).toBe(table.observations.length);
    expect(result.report.rowsStored).toBe(table.observations.length);
  });
});
