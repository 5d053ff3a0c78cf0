import { geoMercator } from 'd3-geo';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import type { AreaGeometry } from '../../src/web/api.js';
import { basemapFromEnv, tileX, tileY } from '../../src/web/basemap.js';
import { quantileClasses } from '../../src/web/classes.js';
import { choroplethSvg, type MapArea } from '../../src/web/map.js';
import { demoStore } from './dashboard-server.js';

// The optional basemap (issue 8): off by default with nothing from another host; when configured,
// XYZ tiles under the areas that cover the map, decorative, with the provider's credit.

const PDOK = 'https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/EPSG:3857/{z}/{x}/{y}.png';

const square = (x: number, y: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [x, y],
      [x, y + 0.1],
      [x + 0.1, y + 0.1],
      [x + 0.1, y],
      [x, y],
    ],
  ],
});

// Three squares around Groningen (6.5-6.8 E, 53.2-53.3 N): a synthetic map, no real boundaries.
const geometry: AreaGeometry = {
  type: 'FeatureCollection',
  features: [6.5, 6.6, 6.7].map((x, i) => ({
    type: 'Feature' as const,
    geometry: square(x, 53.2),
    properties: { code: `BU0014000${i}`, name: `Buurt ${i}`, level: 'buurt' },
  })),
};
const areas = new Map<string, MapArea>([
  [
    'BU00140000',
    { code: 'BU00140000', name: 'Buurt 0', value: 3, label: '3', hidden: false, converted: false },
  ],
]);
const draw = (basemap?: { url: string; attribution: string }) =>
  choroplethSvg(geometry, areas, quantileClasses([3]), {
    label: 'Kaart',
    id: 'k',
    href: (code) => `/gebied/${code}`,
    noData: 'geen gegevens',
    ...(basemap ? { basemap } : {}),
  }).text;

const number = (svg: string, name: string) =>
  Number(new RegExp(`<svg[^>]*\\s${name}="([\\d.]+)"`).exec(svg)![1]);

describe('basemap', () => {
  it('is off by default: no image and no address of another host in the map', () => {
    const svg = draw();
    expect(svg).not.toMatch(/<image/);
    expect(svg).not.toMatch(/https?:/);
    expect(svg).not.toMatch(/attribution|fill-opacity/);
  });

  it('draws decorative tiles that follow the template and cover the map, and the credit under it', () => {
    const svg = draw({ url: PDOK, attribution: 'Kaartgegevens © Kadaster <BRT>' });
    const images = [...svg.matchAll(/<image\s[^>]*>/g)].map((m) => m[0]);
    expect(images.length).toBeGreaterThan(0);
    // Decorative: inside an aria-hidden group, every image with an empty alt and aria-hidden.
    const group = /<g class="basemap" aria-hidden="true"[^>]*>([^]*?)<\/g>/.exec(svg);
    expect(group?.[1]?.match(/<image/g)).toHaveLength(images.length);
    for (const image of images) expect(image).toMatch(/ alt="" aria-hidden="true"/);
    // Under the areas, which are a little transparent.
    expect(svg.indexOf('class="basemap"')).toBeLessThan(svg.indexOf('class="areas"'));
    expect(svg).toMatch(/<g class="areas"\s+fill-opacity="0\.8">/);

    const template =
      /^https:\/\/service\.pdok\.nl\/brt\/achtergrondkaart\/wmts\/v2_0\/grijs\/EPSG:3857\/(\d+)\/(\d+)\/(\d+)\.png$/;
    const tiles = images.map((image) => {
      const href = / href="([^"]+)"/.exec(image)![1]!;
      const [, z, x, y] = template.exec(href) ?? [];
      expect(z, href).toBeDefined();
      const box = ['x', 'y', 'width', 'height'].map((a) =>
        Number(new RegExp(` ${a}="(-?[\\d.]+)"`).exec(image)![1]),
      );
      return { z: Number(z), x: Number(x), y: Number(y), box: box as [number, number, number, number] };
    });
    // One zoom, tiles about 256 px on screen, a full rectangle of columns and rows without gaps.
    const z = tiles[0]!.z;
    expect(tiles.every((t) => t.z === z)).toBe(true);
    for (const { box } of tiles) {
      expect(box[2]).toBeGreaterThan(256 / Math.SQRT2 - 1);
      expect(box[2]).toBeLessThan(256 * Math.SQRT2 + 1);
      expect(box[3]).toBeCloseTo(box[2], 0); // Web Mercator tiles are square
    }
    const xs = [...new Set(tiles.map((t) => t.x))].sort((a, b) => a - b);
    const ys = [...new Set(tiles.map((t) => t.y))].sort((a, b) => a - b);
    expect(tiles).toHaveLength(xs.length * ys.length);
    expect(xs.at(-1)! - xs[0]!).toBe(xs.length - 1);
    expect(ys.at(-1)! - ys[0]!).toBe(ys.length - 1);
    // The map's extent is covered: the tiles reach every edge of the map (the credit line excluded).
    const width = number(svg, 'width');
    const mapHeight = number(svg, 'height') - 16;
    expect(Math.min(...tiles.map((t) => t.box[0]))).toBeLessThanOrEqual(0);
    expect(Math.min(...tiles.map((t) => t.box[1]))).toBeLessThanOrEqual(0);
    expect(Math.max(...tiles.map((t) => t.box[0] + t.box[2]))).toBeGreaterThanOrEqual(width);
    expect(Math.max(...tiles.map((t) => t.box[1] + t.box[3]))).toBeGreaterThanOrEqual(mapHeight);
    // And the right tiles: the slippy-map tile of each area's centre is drawn where that centre is.
    const tileOf = (lon: number, lat: number) =>
      tiles.find((t) => t.x === tileX(lon, z) && t.y === tileY(lat, z));
    for (const [lon, lat] of [
      [6.55, 53.25],
      [6.75, 53.25],
    ] as const) {
      const tile = tileOf(lon, lat);
      expect(tile, `${lon},${lat}`).toBeDefined();
      // The same projection the map fitted (Mercator, fitted to the width, 8 px margins).
      const projection = geoMercator().fitExtent(
        [
          [8, 8],
          [width - 8, width],
        ],
        geometry,
      );
      const [px] = projection([lon, lat])!;
      const [left, , w] = tile!.box;
      expect(px).toBeGreaterThanOrEqual(left - 1);
      expect(px).toBeLessThanOrEqual(left + w + 1);
    }
    // The credit, escaped, on a line under the map.
    expect(svg).toMatch(/<text class="attribution"[^>]*>Kaartgegevens © Kadaster &lt;BRT&gt;<\/text>/);
  });

  it('places tiles by the standard slippy-map numbering', () => {
    expect([tileX(0, 1), tileY(0, 1)]).toEqual([1, 1]);
    expect([tileX(-180, 3), tileY(85, 3)]).toEqual([0, 0]);
    expect([tileX(179.9, 3), tileY(-85, 3)]).toEqual([7, 7]);
    // The same numbers another way: d3's Mercator scaled to the zoom-z world of 256·2^z pixels.
    for (const [lon, lat, z] of [
      [6.5683, 53.2194, 12],
      [5.4697, 51.4416, 15],
      [-70.1, -33.4, 7],
    ] as const) {
      const world = 256 * 2 ** z;
      const [px, py] = geoMercator()
        .scale(world / (2 * Math.PI))
        .translate([world / 2, world / 2])([lon, lat])!;
      expect([tileX(lon, z), tileY(lat, z)]).toEqual([Math.floor(px / 256), Math.floor(py / 256)]);
    }
  });

  it('is read from UDC_BASEMAP_URL and refuses an unusable template with a clear error', () => {
    expect(basemapFromEnv({})).toBeUndefined();
    expect(basemapFromEnv({ UDC_BASEMAP_URL: '  ' })).toBeUndefined();
    expect(basemapFromEnv({ UDC_BASEMAP_URL: PDOK, UDC_BASEMAP_ATTRIBUTION: ' © Kadaster ' })).toEqual({
      url: PDOK,
      attribution: '© Kadaster',
    });
    expect(basemapFromEnv({ UDC_BASEMAP_URL: 'http://tiles.local/{z}/{x}/{y}.png' })).toEqual({
      url: 'http://tiles.local/{z}/{x}/{y}.png',
      attribution: '',
    });
    expect(() => basemapFromEnv({ UDC_BASEMAP_URL: 'ftp://tiles.local/{z}/{x}/{y}.png' })).toThrow(
      /UDC_BASEMAP_URL must be an http or https URL, not ftp:/,
    );
    expect(() => basemapFromEnv({ UDC_BASEMAP_URL: 'https://tiles.local/{z}/{x}.png' })).toThrow(
      /UDC_BASEMAP_URL must contain \{y\}/,
    );
    expect(() => basemapFromEnv({ UDC_BASEMAP_URL: 'javascript:alert(1)//{z}{x}{y}' })).toThrow(
      /http or https/,
    );
    expect(() => basemapFromEnv({ UDC_BASEMAP_URL: 'tiles/{z}/{x}/{y}.png' })).toThrow(
      /absolute http\(s\) URL/,
    );
  });
});

describe('basemap configuration through the app', () => {
  it('reaches the maps of the pages from createApp({ web: { basemap } }), and only then', async () => {
    const { store, dispose } = await demoStore();
    try {
      const path = '/groningen/typologie?level=gemeente&within=NL01';
      const plain = await (await createApp(store).request(path)).text();
      expect(plain).toMatch(/<svg[^>]*class="choropleth"/);
      expect(plain).not.toMatch(/<image|class="basemap"|service\.pdok\.nl/);

      const app = createApp(store, { web: { basemap: { url: PDOK, attribution: 'Kadaster' } } });
      const page = await (await app.request(path)).text();
      expect(page).toMatch(/<g class="basemap" aria-hidden="true"/);
      expect(page).toMatch(/<image href="https:\/\/service\.pdok\.nl\/[^"]*\/EPSG:3857\/\d+\/\d+\/\d+\.png"/);
      expect(page).toMatch(/<text class="attribution"[^>]*>Kadaster<\/text>/);
    } finally {
      await dispose();
    }
  }, 120_000);
});
