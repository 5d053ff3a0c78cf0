import { describe, expect, it } from 'vitest';
import type { DatacenterSummary, Note, Session } from '../../src/web/api.js';
import { contrast } from '../../src/web/classes.js';
import { branding, DEFAULT_BAND, switchHref } from '../../src/web/datacenter.js';
import { t } from '../../src/web/i18n.js';
import type { PageContext } from '../../src/web/layout.js';
import { notesSection } from '../../src/web/notes.js';
import { testStatement } from '../../src/web/pages/analysis.js';
import { backTo } from '../../src/web/post.js';
import { positionStrip, scatterPlot } from '../../src/web/scatter.js';

// The pure parts of the dashboard's data centers, analysis and notes: colours kept only where
// they stay readable, the switch's target, where a form may send the reader back, the charts,
// significance in words, and notes (revised mark, forms only for analysts).

const eindhoven: DatacenterSummary = {
  id: 'eindhoven',
  name: { nl: 'Urban Data Center Eindhoven', en: 'Urban Data Center Eindhoven' },
  description: { nl: '', en: '' },
  region: 'X_MRE',
  home: ['GM0772'],
  colours: { primary: '#2a2a72', accent: '#c2410c', text: '#1b1b1b', background: '#ffffff' },
  logo: '/datacenters/eindhoven/logo.svg',
};

describe('data center colours', () => {
  it('uses a data center’s colours only where white text keeps 4.5:1 and the accent 3:1', () => {
    expect(branding(eindhoven.colours)).toEqual({ band: '#2a2a72', accent: '#c2410c', replaced: [] });
    const pale = branding({ ...eindhoven.colours, primary: '#ffd700', accent: '#eeeeee' });
    expect(pale.band).toBe(DEFAULT_BAND);
    expect(pale.accent).toBe(DEFAULT_BAND);
    expect(pale.replaced).toHaveLength(2);
    expect(contrast(pale.band, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    // Anything but #rrggbb never reaches the page's CSS.
    expect(branding({ ...eindhoven.colours, primary: 'red;}body{display:none' }).band).toBe(DEFAULT_BAND);
  });
});

describe('the switch between data centers', () => {
  const at = (path: string) => new URL(`http://x${path}`);
  it('keeps the indicator, level, year, order and language, and drops the areas of the region left', () => {
    expect(
      switchHref(
        at(
          '/groningen/indicator/inwoners?level=gemeente&period=2023JJ00&parent=X_RGA&region=GM0014&sort=name-asc&lang=en',
        ),
        'groningen',
        eindhoven,
      ),
    ).toBe('/eindhoven/indicator/inwoners?level=gemeente&period=2023JJ00&sort=name-asc&lang=en');
  });
  it('leads from an area profile to the other region’s, and from a story to the list', () => {
    expect(switchHref(at('/groningen/gebied/BU00140000?lang=en'), 'groningen', eindhoven)).toBe(
      '/eindhoven/gebied/X_MRE?lang=en',
    );
    expect(
      switchHref(at('/groningen/verhalen/3f2c0000-0000-0000-0000-000000000000'), 'groningen', eindhoven),
    ).toBe('/eindhoven/verhalen');
    expect(switchHref(at('/groningen/'), 'groningen', eindhoven)).toBe('/eindhoven/');
    expect(
      switchHref(at('/groningen/vergelijk?regions=GM0014,GM0106&year=2020'), 'groningen', eindhoven),
    ).toBe('/eindhoven/vergelijk?year=2020');
  });
});

describe('where a form sends the reader back', () => {
  const ctx = { base: '/groningen', lang: 'nl' as const };
  it('only to a path inside the data center, never another site', () => {
    expect(backTo(ctx, '/groningen/indicator/x?level=wijk')).toBe('/groningen/indicator/x?level=wijk');
    expect(backTo(ctx, '//evil.example/groningen/')).toBe('/groningen/');
    expect(backTo(ctx, 'https://evil.example/')).toBe('/groningen/');
    expect(backTo(ctx, '/eindhoven/')).toBe('/groningen/');
    expect(backTo(ctx, '/groningen-evil/')).toBe('/groningen/');
    expect(backTo({ ...ctx, lang: 'en' }, '')).toBe('/groningen/?lang=en');
  });
});

describe('analysis charts', () => {
  const points = [
    { code: 'GM0014', name: 'Groningen <stad>', x: 14.7, y: 59.1 },
    { code: 'GM0106', name: 'Assen', x: 20.3, y: 38.6 },
    { code: 'GM0080', name: 'Leeuwarden', x: 18.6, y: 47 },
  ];
  it('draws every point and picks out the highlighted area, named and escaped', () => {
    const svg = scatterPlot(points, {
      title: 'y tegen x',
      xLabel: 'x',
      yLabel: 'y',
      lang: 'nl',
      highlight: 'GM0014',
    });
    expect(svg.match(/<circle [^>]*data-code=/g)).toHaveLength(2);
    expect(svg).toContain('<g class="highlight" data-code="GM0014">');
    expect(svg).toContain('Groningen &lt;stad&gt;');
    expect(svg).not.toContain('<stad>');
    expect(svg).toMatch(/role="img" aria-label="y tegen x"/);
    expect(scatterPlot(points, { title: 't', xLabel: 'x', yLabel: 'y', lang: 'nl' })).not.toContain(
      'class="highlight"',
    );
  });
  it('draws a position strip per group with the value marked', () => {
    const svg = positionStrip(
      [
        { label: 'Nederland', min: 9.7, max: 32.6, mean: 21.6 },
        { label: 'regio', min: 14.7, max: 27.1, mean: 22.9 },
      ],
      14.7,
      { title: 'Positie', lang: 'nl', decimals: 1 },
    );
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain('>14,7<');
    expect(svg).toContain('>32,6<');
  });
});

const anonymous: Session = { user: null, role: 'reader', via: 'anonymous', oidc: false };
const signedIn: Session = {
  user: { name: 'anna', displayName: null, role: 'analyst' },
  role: 'analyst',
  via: 'session',
  csrfToken: 'tok<en>',
  oidc: false,
};
function context(session: Session): PageContext {
  return {
    lang: 'nl',
    words: t('nl'),
    url: new URL('http://x/groningen/indicator/inwoners'),
    api: undefined as never,
    base: '/groningen',
    datacenter: eindhoven,
    datacenters: [eindhoven],
    session,
  };
}

describe('significance in words', () => {
  it('says whether a difference is significant, with z and p in the reader’s notation', () => {
    const ctx = context(anonymous);
    const test = { method: 'z', z: -0.4989, p: 0.6178, significant: false, statement: 'English' };
    expect(testStatement(ctx, test, 'Het verschil met X')).toBe(
      'Het verschil met X is niet significant op het 5%-niveau (z = -0,50, p = 0,618): het kan toeval zijn.',
    );
    expect(testStatement(ctx, { ...test, z: 5.73, p: 1e-8, significant: true }, 'Het verschil')).toBe(
      'Het verschil is significant op het 5%-niveau (z = 5,73, p = < 0,001).',
    );
    expect(testStatement(ctx, null, 'x')).toContain('Geen toets');
  });
});

describe('notes', () => {
  const note: Note = {
    id: '11111111-2222-3333-4444-555555555555',
    parent: null,
    indicator: 'inwoners',
    region: 'GM0014',
    period: null,
    status: 'draft',
    body: '<script>',
    html: '<p>&lt;script&gt;</p>',
    author: 'anna',
    created: '2026-11-26T10:00:00.000Z',
    updated: '2026-11-26T10:00:00.000Z',
    revised: true,
    revision: {
      definitionChanged: false,
      built: { was: 'a', now: 'b' },
      datasets: [{ dataset: 'cbs-kwb', was: 1, now: 2 }],
    },
    replies: [],
  };
  it('marks a note written about an earlier version of the figures, and shows the API’s safe HTML', () => {
    const out = notesSection(
      context(anonymous),
      [note],
      { indicator: 'inwoners' },
      new Map([['GM0014', 'Groningen']]),
    ).text;
    expect(out).toContain('Geschreven bij een eerdere versie van de cijfers.');
    expect(out).toContain('cbs-kwb: versie 1 → 2');
    expect(out).toContain('<p>&lt;script&gt;</p>');
    expect(out).toContain('href="/groningen/gebied/GM0014"');
    expect(out).not.toContain('<form');
  });
  it('gives analysts the forms, each with the CSRF token (escaped)', () => {
    const out = notesSection(
      context(signedIn),
      [note],
      { indicator: 'inwoners', period: '2023JJ00' },
      new Map(),
    ).text;
    expect(out.match(/<form method="post"/g)).toHaveLength(3);
    expect(out).toContain('action="/groningen/notities/11111111-2222-3333-4444-555555555555/publiceren"');
    expect(out.match(/name="_csrf" value="tok&lt;en&gt;"/g)).toHaveLength(3);
  });
});
