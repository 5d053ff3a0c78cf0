/**
 * One installation, several data centers (issue 11): each is served under its own path
 * (/groningen/, /eindhoven/, /heerlen/) with its name, colours and logo from the API. This module
 * holds the pure parts: which colours a data center may use (only where they keep WCAG AA
 * contrast), and where the switch to another data center leads so the reader keeps their view.
 */
import type { DatacenterSummary } from './api.js';
import { contrast } from './classes.js';

/** A data center name as a path segment (the API's own rule). */
export const DATACENTER_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** The stylesheet's own colours, used where a data center's colour would not be readable. */
export const DEFAULT_BAND = '#12355b';
const WHITE = '#ffffff';
const HEX = /^#[0-9a-fA-F]{6}$/;

export interface Branding {
  /** The header band (white text on it: at least 4.5:1). */
  band: string;
  /** The accent line under the header (a graphical object: at least 3:1 against white). */
  accent: string;
  /** Which of the data center's colours were replaced, and why (for the docs and tests). */
  replaced: string[];
}

/**
 * The colours a data center's pages use. A configured colour is used only where it keeps the
 * contrast WCAG 2.1 AA asks for (text 4.5:1 on the band, 3:1 for the accent line); otherwise the
 * stylesheet's colour stays and the reason is recorded. Colours that are not #rrggbb never reach
 * the page (they would be CSS of the configuration's choosing).
 */
export function branding(colours: DatacenterSummary['colours'] | undefined): Branding {
  const replaced: string[] = [];
  let band = DEFAULT_BAND;
  let accent = DEFAULT_BAND;
  if (colours) {
    if (HEX.test(colours.primary) && contrast(colours.primary, WHITE) >= 4.5)
      band = colours.primary.toLowerCase();
    else replaced.push(`primary ${colours.primary}: white text on it is below 4.5:1`);
    if (HEX.test(colours.accent) && contrast(colours.accent, WHITE) >= 3)
      accent = colours.accent.toLowerCase();
    else {
      accent = band;
      replaced.push(`accent ${colours.accent}: below 3:1 against white`);
    }
  }
  return { band, accent, replaced };
}

/** Query parameters that name areas of one data center's region: they do not carry over to another. */
const AREA_PARAMETERS = ['parent', 'region', 'regions', 'highlight', 'within'];

/**
 * The same view in another data center: the path and the choices that mean the same there
 * (indicator, level, year, order, language) are kept; the areas, which belong to the region of the
 * data center the reader leaves, are dropped, so the other data center shows its own region. An
 * area profile becomes the profile of the other data center's region. Pages that are one
 * data center's own (a story) lead to the other's list of the same kind.
 */
export function switchHref(url: URL, from: string, to: DatacenterSummary): string {
  const prefix = `/${from}`;
  let rest =
    url.pathname === prefix
      ? '/'
      : url.pathname.startsWith(`${prefix}/`)
        ? url.pathname.slice(prefix.length)
        : '/';
  if (/^\/gebied\//.test(rest)) rest = `/gebied/${to.region}`;
  else if (/^\/verhalen\/./.test(rest)) rest = '/verhalen';
  else if (/^\/(inloggen|uitloggen|notities)/.test(rest)) rest = '/';
  const search = new URLSearchParams(url.search);
  for (const name of AREA_PARAMETERS) search.delete(name);
  const text = search.toString();
  return `/${to.id}${rest}${text ? `?${text}` : ''}`;
}
