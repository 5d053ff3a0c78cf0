/**
 * CBS's subject tree (the themes StatLine's website navigates by), as the v3 catalog serves it:
 * ODataCatalog/Themes (ID, ParentID, Number, Title, Language, Catalog) and the link table
 * ODataCatalog/Tables_Themes (TableIdentifier, ThemeID). Dutch and English themes are two
 * parallel trees, each leading to the tables of its language. The v4 catalog (Datasets) has no
 * themes.
 */
import { fetchAll } from './feed.js';
import type { HttpOptions } from './http.js';
import { joinUrl, queryString } from './query.js';

/** One node of the subject tree. */
export interface Theme {
  id: number;
  parent?: number;
  /** CBS's number of the theme ("5350"), when given. */
  number?: string;
  title: string;
  language?: string;
  catalog?: string;
}

/** A theme with the titles of its ancestors: "Arbeid en sociale zekerheid > Banen > Werknemers". */
export interface ThemePath extends Theme {
  path: string;
}

/** Reads ODataCatalog/Themes records; records without a numeric ID or a title are skipped. */
export function readThemes(records: readonly Record<string, unknown>[]): Theme[] {
  const themes: Theme[] = [];
  for (const r of records) {
    const id = Number(r['ID']);
    const title = typeof r['Title'] === 'string' ? r['Title'].trim() : '';
    if (!Number.isInteger(id) || !title) continue;
    const parent = r['ParentID'] === null || r['ParentID'] === undefined ? undefined : Number(r['ParentID']);
    themes.push({
      id,
      parent: Number.isInteger(parent) ? parent : undefined,
      number: r['Number'] === null || r['Number'] === undefined ? undefined : String(r['Number']),
      title,
      language: typeof r['Language'] === 'string' ? r['Language'] : undefined,
      catalog: typeof r['Catalog'] === 'string' ? r['Catalog'] : undefined,
    });
  }
  return themes;
}

/** Reads ODataCatalog/Tables_Themes records into table id -> theme ids. */
export function readTableThemes(records: readonly Record<string, unknown>[]): Map<string, number[]> {
  const links = new Map<string, number[]>();
  for (const r of records) {
    const table = typeof r['TableIdentifier'] === 'string' ? r['TableIdentifier'].trim() : '';
    const theme = Number(r['ThemeID']);
    if (!table || !Number.isInteger(theme)) continue;
    const list = links.get(table.toLowerCase());
    if (list) list.push(theme);
    else links.set(table.toLowerCase(), [theme]);
  }
  return links;
}

/** Every theme with its path from the root; a broken or cyclic parent chain ends the path there. */
export function themePaths(themes: readonly Theme[]): ThemePath[] {
  const byId = new Map(themes.map((t) => [t.id, t]));
  return themes.map((theme) => {
    const titles = [theme.title];
    const seen = new Set([theme.id]);
    for (let p = theme.parent; p !== undefined && !seen.has(p);) {
      const parent = byId.get(p);
      if (!parent) break;
      titles.unshift(parent.title);
      seen.add(p);
      p = parent.parent;
    }
    return { ...theme, path: titles.join(' > ') };
  });
}

/**
 * The themes whose path holds every word (case-insensitive): "arbeid" finds "Arbeid en sociale
 * zekerheid" and every theme under it, so a table filed deep in the tree is found by its subject.
 */
export function matchThemes(paths: readonly ThemePath[], words: readonly string[]): ThemePath[] {
  const needles = words.map((w) => w.toLowerCase().trim()).filter(Boolean);
  return paths.filter((t) => needles.every((n) => t.path.toLowerCase().includes(n)));
}

/** Fetches the v3 catalog's themes and the links of tables to them. */
export async function fetchThemesV3(
  base: string,
  http: HttpOptions,
): Promise<{ themes: Theme[]; links: Map<string, number[]> }> {
  const format = queryString({ $format: 'json' });
  const [themes, links] = await Promise.all([
    fetchAll(`${joinUrl(base, 'ODataCatalog/Themes')}${format}`, http),
    fetchAll(`${joinUrl(base, 'ODataCatalog/Tables_Themes')}${format}`, http),
  ]);
  return { themes: readThemes(themes), links: readTableThemes(links) };
}
