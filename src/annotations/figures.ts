// Live figures in stories: a line `{{chart indicator=... region=...}}`, `{{map indicator=...
// level=... period=...}}` or `{{table indicator=... region=...}}`. Each is checked when the story
// is saved (known keys, codes of the right form, an indicator the writer may see, regions of the
// register) and resolved when it is read to what the reader needs to trust it: the indicator's
// title, unit, formula and definition hash, and its source datasets with their versions. The
// figure itself is drawn live by the dashboard from `data`, an /api/v1 URL of the same selection.
import { visibleCondition, type AccessContext } from '../access/roles.js';
import { LEVELS } from '../api/rest/params.js';
import type { Store } from '../store/index.js';
import { AnnotationError } from './errors.js';
import { escapeHtml } from './markdown.js';
import { checkIndicator, checkPeriod, checkRegion } from './target.js';

export const FIGURE_KINDS = ['chart', 'map', 'table'] as const;
export type FigureKind = (typeof FIGURE_KINDS)[number];

/** A parsed directive. */
export interface FigureSpec {
  kind: FigureKind;
  indicator: string[];
  region?: string[];
  level?: string;
  parent?: string;
  period?: string[];
  line: number;
}

/** A figure as a reader gets it: the selection, where its data are, and its source and definition. */
export interface Figure extends Omit<FigureSpec, 'line'> {
  index: number;
  data: string;
  indicators: {
    id: string;
    title: { nl: string; en: string };
    unit: string;
    formula: string;
    definitionHash: string;
    built: string;
    sources: { dataset: string; title: string | null; version: number }[];
  }[];
}

const KEYS: Readonly<Record<FigureKind, { required: string[]; optional: string[] }>> = {
  chart: { required: ['indicator', 'region'], optional: ['period'] },
  map: { required: ['indicator', 'level'], optional: ['period', 'parent'] },
  table: { required: ['indicator'], optional: ['region', 'level', 'parent', 'period'] },
};

/** Reads a directive's text (`chart indicator=a region=GM0014,GM0106`); throws an 'invalid' error naming the line. */
export function parseDirective(text: string, line: number): FigureSpec {
  const where = `line ${line}: {{${text.slice(0, 120)}}}`;
  const [kind, ...pairs] = text.split(/\s+/).filter(Boolean);
  if (!FIGURE_KINDS.includes(kind as FigureKind))
    throw new AnnotationError('invalid', `${where}: expected {{chart ...}}, {{map ...}} or {{table ...}}`);
  const rules = KEYS[kind as FigureKind];
  const values = new Map<string, string>();
  for (const pair of pairs) {
    const m = /^([a-z]+)=(\S+)$/.exec(pair);
    if (!m) throw new AnnotationError('invalid', `${where}: "${pair.slice(0, 60)}" is not key=value`);
    if (![...rules.required, ...rules.optional].includes(m[1]!))
      throw new AnnotationError(
        'invalid',
        `${where}: ${kind} takes ${[...rules.required, ...rules.optional].join(', ')}, not ${m[1]}`,
      );
    if (values.has(m[1]!)) throw new AnnotationError('invalid', `${where}: ${m[1]} given twice`);
    values.set(m[1]!, m[2]!);
  }
  for (const key of rules.required)
    if (!values.has(key)) throw new AnnotationError('invalid', `${where}: ${kind} needs ${key}=...`);
  const list = (key: string, max: number) => {
    const items = values.get(key)?.split(',');
    if (items && (items.length > max || items.some((x) => x === '')))
      throw new AnnotationError('invalid', `${where}: ${key} takes 1 to ${max} values separated by commas`);
    return items;
  };
  const spec: FigureSpec = {
    kind: kind as FigureKind,
    indicator: list('indicator', kind === 'table' ? 10 : 1)!,
    line,
  };
  const region = list('region', 50);
  const period = list('period', 50);
  if (region) spec.region = region;
  if (period) spec.period = period;
  const level = values.get('level');
  if (level !== undefined) {
    if (!(LEVELS as readonly string[]).includes(level))
      throw new AnnotationError(
        'invalid',
        `${where}: level ${level.slice(0, 40)}: expected one of ${LEVELS.join(', ')}`,
      );
    spec.level = level;
  }
  if (values.has('parent')) spec.parent = values.get('parent')!;
  return spec;
}

/** Checks a parsed figure against the store as the writer may see it; returns it with canonical codes. */
export async function checkFigure(
  store: Store,
  access: AccessContext,
  spec: FigureSpec,
): Promise<FigureSpec> {
  const where = `line ${spec.line}`;
  for (const id of spec.indicator) await checkIndicator(store, access, id, where);
  const out: FigureSpec = { ...spec };
  if (spec.region) out.region = await Promise.all(spec.region.map((r) => checkRegion(store, r, where)));
  if (spec.parent) out.parent = await checkRegion(store, spec.parent, where);
  if (spec.period) out.period = spec.period.map((p) => checkPeriod(p, where));
  return out;
}

/** The /api/v1 URL of a figure's data. */
export function figureData(spec: FigureSpec): string {
  const q = new URLSearchParams();
  if (spec.kind === 'map') {
    q.set('level', spec.level!);
    if (spec.parent) q.set('parent', spec.parent);
    q.set('indicator', spec.indicator[0]!);
    if (spec.period) q.set('period', spec.period[0]!);
    return `/api/v1/geometry?${q.toString()}`;
  }
  q.set('indicator', spec.indicator.join(','));
  if (spec.region) q.set('region', spec.region.join(','));
  if (spec.level) q.set('level', spec.level);
  if (spec.parent) q.set('parent', spec.parent);
  if (spec.period) q.set('period', spec.period.join(','));
  return `/api/v1/values?${q.toString()}`;
}

/**
 * Source and definition of the figures' indicators that `access` may see (others are left out:
 * the figure is then shown as unavailable, without saying what it was).
 */
export async function describeIndicators(
  store: Store,
  access: AccessContext,
  ids: readonly string[],
): Promise<Map<string, Figure['indicators'][number]>> {
  if (ids.length === 0) return new Map();
  const rows = await store.all<{
    id: string;
    title_nl: string;
    title_en: string;
    unit: string;
    formula: string;
    definition_hash: string;
    built: string;
    sources: { dataset: string; title: string | null; version: number }[] | null;
  }>(
    `SELECT i.id, i.title_nl, i.title_en, i.unit, i.formula, i.definition_hash, i.built,
            (SELECT list({'dataset': s.dataset, 'title': d.title, 'version': s.dataset_version} ORDER BY s.dataset)
               FROM indicator_source s LEFT JOIN dataset d ON d.id = s.dataset WHERE s.indicator = i.id) AS sources
     FROM indicator i WHERE i.id IN (${ids.map((_, k) => `$${k + 1}`).join(', ')})
       AND ${visibleCondition(access, 'i.confidentiality')}`,
    [...ids],
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        title: { nl: r.title_nl, en: r.title_en },
        unit: r.unit,
        formula: r.formula,
        definitionHash: r.definition_hash,
        built: r.built,
        sources: (r.sources ?? []).map((s) => ({ ...s, version: Number(s.version) })),
      },
    ]),
  );
}

/** The HTML of a figure: a placeholder the dashboard fills from `data`, with a caption naming source and definition. */
export function figureHtml(figure: Figure): string {
  const attributes = [
    ['data-kind', figure.kind],
    ['data-index', String(figure.index)],
    ['data-indicator', figure.indicator.join(',')],
    ['data-region', figure.region?.join(',')],
    ['data-level', figure.level],
    ['data-parent', figure.parent],
    ['data-period', figure.period?.join(',')],
    ['data-src', figure.data],
  ]
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}="${escapeHtml(v!)}"`)
    .join(' ');
  const caption = figure.indicators
    .map(
      (i) =>
        `<strong>${escapeHtml(i.title.nl)}</strong> (${escapeHtml(i.unit)}). Bron / source: ${escapeHtml(
          i.sources.map((s) => `${s.title ?? s.dataset} (${s.dataset}, versie ${s.version})`).join('; ') ||
            'udc',
        )}. Definitie / definition: <code>${escapeHtml(i.formula)}</code>`,
    )
    .join('<br>');
  return `<figure class="udc-figure" ${attributes}><div class="udc-figure-live"></div><figcaption>${caption}</figcaption></figure>`;
}

/** The HTML of a figure the reader may not see: it says nothing about what it was. */
export const UNAVAILABLE_FIGURE =
  '<figure class="udc-figure udc-figure-unavailable"><figcaption>Figuur niet beschikbaar / figure not available</figcaption></figure>';
