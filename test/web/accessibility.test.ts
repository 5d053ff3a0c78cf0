import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { addUser } from '../../src/access/users.js';
import { createAnnotation, createStory } from '../../src/annotations/index.js';
import { pickIndicators, startDashboard, type Dashboard, type Picks } from './dashboard-server.js';

// An automated WCAG 2.1 A/AA check of every page in real Chromium. axe-core is not installed, so
// this is a focused checker of the rules a machine can decide for these pages: language, one h1
// and no skipped heading levels, skip link to main, landmarks, labelled form controls, text
// alternatives of images and SVG, names of links and buttons, unique ids, table headers and
// captions, text contrast computed from the rendered colours, focusable and labelled map areas,
// and a visible focus indicator. It cannot judge meaning (whether a label is apt): that stays a
// manual review. Screenshots of every page are written to test-results/web/.

const SCREENSHOTS = join(process.cwd(), 'test-results', 'web');

/** What the setup made for the pages of issue 10: a published story. */
interface Made {
  story: string;
}

const PAGES: {
  name: string;
  path: (p: Picks, made: Made) => string;
  lang: 'nl' | 'en';
  status?: number;
  map?: boolean;
  /** Read as a signed-in analyst (forms to write, reply and publish notes). */
  analyst?: boolean;
}[] = [
  { name: 'datacenters', path: () => '/', lang: 'nl' },
  { name: 'home', path: () => '/groningen/', lang: 'nl' },
  { name: 'home-en', path: () => '/groningen/?lang=en', lang: 'en' },
  { name: 'home-eindhoven', path: () => '/eindhoven/', lang: 'nl' },
  { name: 'home-heerlen-en', path: () => '/heerlen/?lang=en', lang: 'en' },
  { name: 'search', path: () => '/groningen/zoek?q=groningen', lang: 'nl' },
  { name: 'theme', path: (p) => `/groningen/thema/${p.map.theme}`, lang: 'nl' },
  {
    name: 'indicator-map',
    path: (p) => `/groningen/indicator/${p.map.id}?level=gemeente&period=${p.mapPeriod}`,
    lang: 'nl',
    map: true,
  },
  {
    name: 'indicator-map-notes-analyst',
    path: (p) => `/groningen/indicator/${p.map.id}?level=gemeente&period=${p.mapPeriod}&region=GM0014`,
    lang: 'nl',
    map: true,
    analyst: true,
  },
  {
    name: 'indicator-map-netherlands-en',
    path: (p) => `/groningen/indicator/${p.map.id}?level=gemeente&period=${p.mapPeriod}&parent=NL01&lang=en`,
    lang: 'en',
    map: true,
  },
  {
    name: 'indicator-table-hidden',
    path: (p) =>
      `/groningen/indicator/${p.hidden.indicator.id}?level=${p.hidden.level}&period=${p.hidden.period}`,
    lang: 'nl',
  },
  { name: 'area-gemeente', path: () => '/groningen/gebied/GM0014', lang: 'nl' },
  {
    name: 'area-gemeente-analyst-en',
    path: () => '/groningen/gebied/GM0014?lang=en',
    lang: 'en',
    analyst: true,
  },
  { name: 'area-buurt-en', path: () => '/groningen/gebied/BU00140000?lang=en', lang: 'en' },
  { name: 'compare', path: () => '/groningen/vergelijk?regions=GM0014,GM0106,NL01', lang: 'nl' },
  { name: 'datasets', path: () => '/groningen/datasets', lang: 'nl' },
  {
    name: 'correlation',
    path: (p) =>
      `/groningen/samenhang?x=${p.map.id}&y=aandeel_65plus&level=gemeente&within=NL01&region=GM0014`,
    lang: 'nl',
  },
  { name: 'correlation-en', path: () => '/eindhoven/samenhang?lang=en', lang: 'en' },
  { name: 'typology', path: () => '/groningen/typologie?level=gemeente&within=NL01', lang: 'nl', map: true },
  { name: 'typology-buurt-en', path: () => '/groningen/typologie?level=buurt&lang=en', lang: 'en' },
  { name: 'login', path: () => '/groningen/inloggen', lang: 'nl' },
  { name: 'stories', path: () => '/groningen/verhalen', lang: 'nl' },
  { name: 'story', path: (_p, made) => `/groningen/verhalen/${made.story}`, lang: 'nl', map: true },
  { name: 'not-found', path: () => '/groningen/indicator/bestaat_niet', lang: 'nl', status: 404 },
];

let dash: Dashboard;
let page: Page;
let analystPage: Page;
let analyst: BrowserContext;
let picks: Picks;
const made: Made = { story: '' };

beforeAll(async () => {
  dash = await startDashboard();
  picks = await pickIndicators(dash);
  page = await dash.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await mkdir(SCREENSHOTS, { recursive: true });
  // Issue 10's pages need a signed-in analyst, a published note, a draft, a reply and a story.
  const user = await addUser(dash.store, {
    name: 'analist',
    role: 'analyst',
    password: 'een-lang-wachtwoord-2026',
  });
  const access = {
    user: { id: user.id, name: user.name, role: user.role },
    role: user.role,
    via: 'session' as const,
  };
  const note = await createAnnotation(dash.store, access, {
    indicator: picks.map.id,
    region: 'GM0014',
    body: 'Hoog in de **stad**: zie [de bron](https://www.cbs.nl). <script>alert(1)</script>',
    status: 'published',
  });
  await createAnnotation(dash.store, access, { parent: note.id, body: 'Eens.', status: 'published' });
  await createAnnotation(dash.store, access, { region: 'GM0014', body: 'Nog een concept.', status: 'draft' });
  const story = await createStory(dash.store, access, {
    title: 'Ouder worden in de regio',
    status: 'published',
    body: `# Ouder worden\n\nDe stad is *jong*.\n\n{{chart indicator=${picks.map.id} region=GM0014,GM0106}}\n\n{{map indicator=${picks.map.id} level=gemeente parent=X_RGA period=${picks.mapPeriod}}}\n`,
  });
  made.story = story.id;
  const signIn = await fetch(`${dash.server.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'analist', password: 'een-lang-wachtwoord-2026' }),
  });
  const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!.split('=');
  analyst = await dash.browser.newContext({ viewport: { width: 1280, height: 900 } });
  await analyst.addCookies([{ name: cookie[0]!, value: cookie[1]!, url: dash.server.url }]);
  analystPage = await analyst.newPage();
});
afterAll(async () => {
  await dash?.close();
});

/** The checker, run inside the page; returns one message per violation. */
function checkPage(expectedLang: string): string[] {
  const problems: string[] = [];
  const all = (selector: string) => Array.from(document.querySelectorAll(selector));
  const describe = (el: Element) =>
    `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''}> "${(el.textContent ?? '').trim().slice(0, 40)}"`;
  const visible = (el: Element) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility !== 'hidden' && style.display !== 'none' && (box.width > 0 || box.height > 0);
  };
  const nameOf = (el: Element): string => {
    const labelledby = el.getAttribute('aria-labelledby');
    if (labelledby)
      return labelledby
        .split(' ')
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' ')
        .trim();
    const label = el.getAttribute('aria-label');
    if (label) return label.trim();
    if (el.id) {
      const forLabel = document.querySelector(`label[for="${el.id}"]`);
      if (forLabel) return (forLabel.textContent ?? '').trim();
    }
    const wrapping = el.closest('label');
    if (wrapping) return (wrapping.textContent ?? '').trim();
    if (el instanceof HTMLImageElement) return el.alt;
    return (el.textContent ?? '').trim() || (el.querySelector('img')?.getAttribute('alt') ?? '');
  };

  // 3.1.1 Language of page.
  const lang = document.documentElement.getAttribute('lang');
  if (lang !== expectedLang) problems.push(`html lang is "${lang}", expected "${expectedLang}"`);
  for (const el of all('[lang]'))
    if (!/^(nl|en)$/.test(el.getAttribute('lang')!)) problems.push(`unknown lang on ${describe(el)}`);
  // 2.4.2 Page titled.
  if (!document.title.trim()) problems.push('empty <title>');
  // 1.3.1 / 2.4.6 Headings: one h1, no skipped levels.
  const headings = [...all('h1, h2, h3, h4, h5, h6')];
  if (headings.filter((h) => h.tagName === 'H1').length !== 1) problems.push('not exactly one h1');
  let previous = 0;
  for (const h of headings) {
    const level = Number(h.tagName[1]);
    if (level > previous + 1) problems.push(`heading level skipped at ${describe(h)}`);
    if (!(h.textContent ?? '').trim()) problems.push(`empty heading ${describe(h)}`);
    previous = level;
  }
  // 2.4.1 Bypass blocks: the first focusable element is the skip link to main.
  const first = document.querySelector('a[href], button, input, select, textarea, [tabindex]');
  const main = document.querySelector('main');
  if (!main) problems.push('no <main> landmark');
  if (all('main').length > 1) problems.push('more than one <main>');
  if (!first || first.getAttribute('href') !== `#${main?.id}`)
    problems.push('first focusable element is not a skip link to main');
  if (!document.querySelector('header') || !document.querySelector('footer'))
    problems.push('header or footer landmark missing');
  for (const nav of all('nav'))
    if (!nav.getAttribute('aria-label')) problems.push(`navigation without a name ${describe(nav)}`);
  // 4.1.1 Parsing: unique ids.
  const ids = new Map<string, number>();
  for (const el of all('[id]')) ids.set(el.id, (ids.get(el.id) ?? 0) + 1);
  for (const [id, n] of ids) if (n > 1) problems.push(`id "${id}" used ${n} times`);
  // 1.3.1 / 3.3.2 / 4.1.2 Labels of form controls.
  for (const el of all('input:not([type=hidden]), select, textarea'))
    if (!nameOf(el)) problems.push(`form control without a label ${describe(el)}`);
  // 1.1.1 Text alternatives: images, SVG.
  for (const img of all('img')) if (!img.hasAttribute('alt')) problems.push(`img without alt`);
  for (const svg of all('svg')) {
    if (svg.closest('[aria-hidden=true]') || svg.getAttribute('aria-hidden') === 'true') continue;
    if (
      !svg.getAttribute('role') ||
      !nameOf(svg) ||
      (nameOf(svg) === (svg.textContent ?? '').trim() && !svg.getAttribute('aria-label'))
    )
      problems.push(`svg without role and name ${describe(svg)}`);
  }
  // 2.4.4 / 4.1.2 Names of links and buttons.
  for (const el of all('a[href], button'))
    if (!nameOf(el)) problems.push(`link or button without a name ${describe(el)}`);
  // 1.3.1 Tables: a caption or label, headers with scope or in thead.
  for (const table of all('table')) {
    if (
      !table.querySelector('caption') &&
      !table.getAttribute('aria-labelledby') &&
      !table.getAttribute('aria-label')
    )
      problems.push(`table without caption ${describe(table)}`);
    for (const th of Array.from(table.querySelectorAll('th')))
      if (!th.getAttribute('scope') && !th.closest('thead'))
        problems.push(`th without scope ${describe(th)}`);
  }
  // Map areas: focusable, named with name and value (2.1.1, 4.1.2).
  for (const area of all('svg.choropleth .area')) {
    if ((area as SVGElement).tabIndex < 0)
      problems.push(`map area not focusable ${area.getAttribute('data-code')}`);
    if (!/^.+: .+$/.test(area.getAttribute('aria-label') ?? ''))
      problems.push(`map area without name and value ${area.getAttribute('data-code')}`);
  }
  // 1.4.3 Contrast (minimum), from the rendered colours of every visible text.
  const rgb = (text: string) => {
    const m = /rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)/.exec(text);
    return m ? { r: +m[1]!, g: +m[2]!, b: +m[3]!, a: m[4] === undefined ? 1 : +m[4] } : null;
  };
  const luminance = (c: { r: number; g: number; b: number }) => {
    const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const background = (el: Element | null): { r: number; g: number; b: number } | 'image' => {
    for (let e = el; e; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.backgroundImage !== 'none') return 'image';
      const c = rgb(style.backgroundColor);
      if (c && c.a > 0) return c;
    }
    return { r: 255, g: 255, b: 255 };
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement!;
    if (
      !(node.textContent ?? '').trim() ||
      el.closest('svg, .visually-hidden, [hidden], option') ||
      !visible(el)
    )
      continue;
    // The skip link shows on focus only (checked by the focus test).
    if (el.closest('.skip-link')) continue;
    const style = getComputedStyle(el);
    const ink = rgb(style.color)!;
    const bg = background(el);
    if (bg === 'image') continue;
    const ratio =
      (Math.max(luminance(ink), luminance(bg)) + 0.05) / (Math.min(luminance(ink), luminance(bg)) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) problems.push(`contrast ${ratio.toFixed(2)} of ${describe(el)}`);
  }
  return problems;
}

describe('automated WCAG 2.1 A/AA check of every page (focused checker, not axe-core)', () => {
  for (const p of PAGES) {
    it(p.name, async () => {
      const at = p.analyst ? analystPage : page;
      const response = await at.goto(`${dash.server.url}${p.path(picks, made)}`);
      expect(response?.status()).toBe(p.status ?? 200);
      if (p.map) expect(await at.locator('svg.choropleth a.area').count()).toBeGreaterThan(0);
      if (p.analyst) expect(await at.locator('form textarea').count()).toBeGreaterThan(0);
      const problems = await at.evaluate(checkPage, p.lang);
      expect(problems).toEqual([]);
      await at.screenshot({ path: join(SCREENSHOTS, `${p.name}.png`), fullPage: true });
    });
  }

  it('the checker finds violations (it can fail)', async () => {
    await page.setContent(
      '<html><body><h1>a</h1><h3>b</h3><h1>c</h1><input id="x"><p style="color:#999;background:#fff">faint</p><a href="/x"></a></body></html>',
    );
    const problems = await page.evaluate(checkPage, 'nl');
    expect(problems.join('\n')).toMatch(/html lang/);
    expect(problems.join('\n')).toMatch(/not exactly one h1/);
    expect(problems.join('\n')).toMatch(/heading level skipped/);
    expect(problems.join('\n')).toMatch(/form control without a label/);
    expect(problems.join('\n')).toMatch(/contrast 2\.\d+/);
    expect(problems.join('\n')).toMatch(/link or button without a name/);
  });

  it('shows a visible focus indicator on every focusable element reached by Tab, the skip link first', async () => {
    await page.goto(
      `${dash.server.url}/groningen/indicator/${picks.map.id}?level=gemeente&period=${picks.mapPeriod}`,
    );
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => ({
      href: document.activeElement?.getAttribute('href'),
      top: document.activeElement!.getBoundingClientRect().top,
    }));
    expect(skip.href).toBe('#inhoud');
    expect(skip.top).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('inhoud');
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      const focus = await page.evaluate(() => {
        const el = document.activeElement!;
        const style = getComputedStyle(el);
        const area = el.closest('.area');
        return {
          what: `${el.tagName} ${el.getAttribute('href') ?? el.id}`,
          outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
          // A map area's focus ring is drawn in the map's own top layer.
          ring: area ? area.closest('svg')!.querySelectorAll('.focus-ring use').length === 2 : false,
        };
      });
      expect(focus.outline || focus.ring, focus.what).toBe(true);
    }
  });
});
