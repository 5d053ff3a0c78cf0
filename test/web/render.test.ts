import { describe, expect, it } from 'vitest';
import type { AreaGeometry, Indicator, Value } from '../../src/web/api.js';
import { lineChart, niceTicks } from '../../src/web/chart.js';
import { contrast, quantileClasses, SEQUENTIAL } from '../../src/web/classes.js';
import { html } from '../../src/web/html.js';
import { choroplethSvg, type MapArea } from '../../src/web/map.js';
import { rankOf, resolveView, sortValues } from '../../src/web/pages/indicator.js';
import { chosenRegions, periodFor } from '../../src/web/pages/compare.js';

// The pure parts of the dashboard: classes, escaping, the map's marks, the view from a URL.

describe('quantile classes', () => {
  it('puts about as many values in each class, never splitting equal values', () => {
    const classes = quantileClasses([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(classes.map((c) => [c.min, c.max])).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
    ]);
    const ties = quantileClasses([1, 1, 1, 1, 1, 1, 2, 3]);
    expect(ties.map((c) => c.count)).toEqual([6, 1, 1]);
    // Fewer classes keep both ends of the palette.
    expect(ties[0]!.colour).toBe(SEQUENTIAL[0]);
    expect(ties[2]!.colour).toBe(SEQUENTIAL[4]);
    expect(quantileClasses([])).toEqual([]);
  });
});

describe('colours', () => {
  it('computes WCAG contrast: black on white is 21, the stylesheet text colours pass AA', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    for (const [ink, paper] of [
      ['#1a1a1a', '#ffffff'],
      ['#4d4d4d', '#ffffff'],
      ['#4d4d4d', '#f3f5f8'],
      ['#0b4f9c', '#ffffff'],
      ['#0b4f9c', '#f3f5f8'],
      ['#ffffff', '#12355b'],
      ['#ffffff', '#1a1a1a'],
    ])
      expect(contrast(ink!, paper!), `${ink} on ${paper}`).toBeGreaterThanOrEqual(4.5);
  });

  it('keeps neighbouring palette classes apart in lightness (readable without hue)', () => {
    for (let i = 1; i < SEQUENTIAL.length; i++)
      expect(contrast(SEQUENTIAL[i - 1]!, SEQUENTIAL[i]!)).toBeGreaterThan(1.3);
  });
});

describe('html', () => {
  it('escapes every interpolated value', () => {
    const name = '<script>alert("x")</script>';
    expect(html`<p title="${name}">${name}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>',
    );
  });
});

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

describe('choropleth', () => {
  it('hatches hidden areas, greys areas without data, and labels every area with name and value', () => {
    const geometry: AreaGeometry = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: square(6.5, 53.2),
          properties: { code: 'BU00140000', name: 'Binnenstad-Noord', level: 'buurt' },
        },
        {
          type: 'Feature',
          geometry: square(6.6, 53.2),
          properties: { code: 'BU00140001', name: 'Binnenstad-Zuid', level: 'buurt' },
        },
        {
          type: 'Feature',
          geometry: square(6.7, 53.2),
          properties: { code: 'BU00140002', name: 'Binnenstad-Oost', level: 'buurt' },
        },
      ],
    };
    const areas = new Map<string, MapArea>([
      [
        'BU00140000',
        {
          code: 'BU00140000',
          name: 'Binnenstad-Noord',
          value: null,
          label: 'geheim',
          hidden: true,
          converted: false,
        },
      ],
      [
        'BU00140001',
        {
          code: 'BU00140001',
          name: 'Binnenstad-Zuid',
          value: 12.5,
          label: '12,5%',
          hidden: false,
          converted: false,
        },
      ],
    ]);
    const svg = choroplethSvg(geometry, areas, quantileClasses([12.5]), {
      label: 'Kaart',
      id: 'k',
      href: (code) => `/gebied/${code}`,
      noData: 'geen gegevens',
    }).text;
    expect(svg).toMatch(/aria-label="Binnenstad-Noord: geheim"[^]*?fill="url\(#k-hatch\)"/);
    expect(svg).toMatch(new RegExp(`aria-label="Binnenstad-Zuid: 12,5%"[^]*?fill="${SEQUENTIAL[4]}"`));
    expect(svg).toMatch(/aria-label="Binnenstad-Oost: geen gegevens"[^]*?fill="#f2f2f2"/);
    expect(svg.match(/<a\s+class="area"\s+href="\/gebied\/BU\d+"/g)).toHaveLength(3);
    expect(svg).toMatch(/<pattern\s+id="k-hatch"/);
  });
});

describe('chart', () => {
  it('has round ticks covering the values, and a gap where a year is missing', () => {
    expect(niceTicks(12, 97)).toEqual([0, 20, 40, 60, 80, 100]);
    const svg = lineChart(
      [
        {
          name: 'Groningen',
          points: [
            { period: '2019JJ00', value: 1 },
            { period: '2020JJ00', value: 2 },
            { period: '2021JJ00', value: null },
            { period: '2022JJ00', value: 3 },
          ],
        },
      ],
      { title: 'T', unit: 'aantal', decimals: 0, lang: 'nl' },
    );
    const d = /<path d="([^"]+)" fill="none"/.exec(svg)![1]!;
    expect(d.match(/M/g)).toHaveLength(2);
    expect(svg.match(/<circle/g)).toHaveLength(3 + 1);
  });
});

const indicator = {
  id: 'x',
  periods: ['2019JJ00', '2023JJ00', '2021JJ00'],
  levels: ['buurt', 'gemeente', 'wijk'],
} as Indicator;

describe('the view from the URL', () => {
  it('defaults to the latest year, the gemeente level and the data center region; ignores unknown choices', () => {
    const view = resolveView(indicator, new URLSearchParams(''), 'X_RGA');
    expect(view).toMatchObject({
      period: '2023JJ00',
      level: 'gemeente',
      parent: 'X_RGA',
      region: 'X_RGA',
      sort: 'value-desc',
    });
    const asked = resolveView(
      indicator,
      new URLSearchParams('period=2019JJ00&level=wijk&sort=name-asc&region=GM0014'),
      'X_RGA',
    );
    expect(asked).toMatchObject({ period: '2019JJ00', level: 'wijk', sort: 'name-asc', region: 'GM0014' });
    const wrong = resolveView(
      indicator,
      new URLSearchParams('period=1900JJ00&level=provincie&sort=drop'),
      'X_RGA',
    );
    expect(wrong).toMatchObject({ period: '2023JJ00', level: 'gemeente', sort: 'value-desc' });
  });

  it('sorts hidden and missing values last in every value order', () => {
    const v = (region: string, value: number | null) => ({ region, regionName: region, value }) as Value;
    const values = [v('a', 2), v('b', null), v('c', 5), v('d', 1)];
    expect(sortValues(values, 'value-desc').map((x) => x.region)).toEqual(['c', 'a', 'd', 'b']);
    expect(sortValues(values, 'value-asc').map((x) => x.region)).toEqual(['d', 'a', 'c', 'b']);
    expect(sortValues(values, 'name-desc').map((x) => x.region)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('ranks equal values equally and leaves values without a number unranked', () => {
    const v = (region: string, value: number | null) => ({ region, regionName: region, value }) as Value;
    const rank = rankOf([v('a', 2), v('b', 5), v('c', 2), v('d', null), v('e', 1)]);
    expect(Object.fromEntries(rank)).toEqual({ b: 1, a: 2, c: 2, e: 4 });
  });

  it("compares the period of the chosen year, else each indicator's latest", () => {
    expect(periodFor(indicator, '')).toBe('2023JJ00');
    expect(periodFor(indicator, '2021')).toBe('2021JJ00');
    expect(periodFor(indicator, '2022')).toBe('2023JJ00');
  });

  it('reads compared areas from repeated fields or a comma list, dropping invalid codes and duplicates', () => {
    expect(
      chosenRegions(new URLSearchParams('regions=GM0014&regions=gm0106&regions=&regions=GM0014')),
    ).toEqual(['GM0014', 'GM0106']);
    expect(
      chosenRegions(new URLSearchParams('regions=GM0014,X_RGA,<b>,NL01,WK001400,BU00140000,GM0106')),
    ).toEqual(['GM0014', 'X_RGA', 'NL01', 'WK001400', 'BU00140000']);
  });
});
