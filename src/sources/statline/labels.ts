/**
 * English labels for a Dutch StatLine table. CBS publishes the English version of a table as a
 * twin with its own id (80137ned -> 80137eng, 83599NED -> 83599ENG): the same cube, titled in
 * English. Codes are the same in both; v3 topic keys and dimension keys are not (Werknemers_2 vs
 * Employees_2, Geslacht vs Sex), so measures and dimensions are matched by position, and only
 * when both tables have the same shape (same number of measures with the same data types, same
 * dimensions of the same kinds). The Dutch labels stay where they are; the English ones go to
 * the `label` table (migration 0009).
 */
import type { Store } from '../../store/index.js';
import { groupCode, variableKey } from './normalise.js';
import type { TableMetadata } from './table.js';

/** One title in another language for an item of a dataset. */
export interface Label {
  item: 'dataset' | 'variable' | 'dimension' | 'code';
  /** The dimension a code belongs to; '' otherwise. */
  dimension: string;
  /** '' for the dataset, else the variable key, dimension name or code. */
  key: string;
  title: string;
  description?: string;
}

/** The id of a Dutch table's English twin (…ned -> …eng, keeping the case), or undefined. */
export function englishTwinId(id: string): string | undefined {
  const match = /^(.*)(ned)$/i.exec(id);
  if (!match) return undefined;
  return `${match[1]}${match[2] === 'NED' ? 'ENG' : match[2] === 'ned' ? 'eng' : 'Eng'}`;
}

/**
 * The English labels of `dutch` taken from its twin `english`, or the reason they cannot be
 * matched (the twin has another shape, so position would pair the wrong items).
 */
export function englishLabels(
  dutch: TableMetadata,
  english: TableMetadata,
): { labels: Label[] } | { problem: string } {
  const kinds = (t: TableMetadata) => t.dimensions.map((d) => d.kind).join(',');
  if (kinds(dutch) !== kinds(english)) {
    return {
      problem: `dimensions differ (${kinds(dutch)} in ${dutch.id}, ${kinds(english)} in ${english.id})`,
    };
  }
  const types = (t: TableMetadata) => t.measures.map((m) => (m.dataType ?? '').toLowerCase()).join(',');
  if (dutch.measures.length !== english.measures.length || types(dutch) !== types(english)) {
    return {
      problem: `measures differ (${dutch.measures.length} in ${dutch.id}, ${english.measures.length} in ${english.id})`,
    };
  }
  const labels: Label[] = [{ item: 'dataset', dimension: '', key: '', title: english.title }];
  dutch.measures.forEach((m, i) => {
    const e = english.measures[i]!;
    const title = e.group ? `${e.group}: ${e.title}` : e.title;
    if (title.trim())
      labels.push({
        item: 'variable',
        dimension: '',
        key: variableKey(m.key),
        title: title.trim(),
        description: e.description?.trim() || undefined,
      });
  });
  dutch.dimensions.forEach((d, i) => {
    const e = english.dimensions[i]!;
    labels.push({ item: 'dimension', dimension: '', key: d.key, title: e.title.trim() || d.key });
    if (d.kind !== 'plain') return;
    const titles = new Map(e.codes.map((c) => [c.code, c.title]));
    for (const c of d.codes) {
      const title = titles.get(c.code);
      if (title) labels.push({ item: 'code', dimension: d.key, key: c.code, title });
    }
    const groups = new Map((e.groups ?? []).map((g) => [g.id, g.title]));
    for (const g of d.groups ?? []) {
      const title = groups.get(g.id);
      if (title) labels.push({ item: 'code', dimension: d.key, key: groupCode(g.id), title });
    }
  });
  return { labels };
}

/** Replaces the dataset's labels in `language` with `labels` (none: removes them). */
export async function writeLabels(
  store: Store,
  dataset: string,
  language: string,
  labels: readonly Label[],
): Promise<void> {
  // One label per item: a table can list a code twice (ingest keeps the first, so does this).
  const unique = new Map<string, Label>();
  for (const l of labels) {
    const key = `${l.item}\u0001${l.dimension}\u0001${l.key}`;
    if (!unique.has(key)) unique.set(key, l);
  }
  await store.transaction(async (tx) => {
    await tx.run('DELETE FROM label WHERE dataset = $1 AND language = $2', [dataset, language]);
    await tx.append(
      'label',
      [...unique.values()].map((l) => [
        dataset,
        l.item,
        l.dimension,
        l.key,
        language,
        l.title,
        l.description ?? null,
      ]),
    );
  });
}
