// Publishing a gated aggregate as a udc dataset: the protected table of the output gate (never
// microdata) becomes observations like any imported table (region x period x categories), so
// indicators, the API and the dashboard can use it. Suppressed cells are stored as CBS's secret
// ('x'), every published number is the gate's. The dataset is internal unless asked otherwise:
// making linked results open is a decision, not a default.
import { parsePeriod } from '../core/index.js';
import { ingest, type ImportReport, type StagedRow } from '../sources/ingest.js';
import type { Confidentiality, DimensionCode } from '../sources/metadata.js';
import { DATASET_ID } from '../sources/metadata.js';
import type { Store } from '../store/index.js';
import { appendAudit } from './audit.js';
import { LinkageError } from './errors.js';
import { exportAggregate, TOTAL, type ExportRequest } from './gate.js';

export interface PublishRequest extends Omit<ExportRequest, 'out'> {
  /** The id of the new dataset (replaced when it exists). */
  datasetId: string;
  title: string;
  /** The period the microdata describe, a CBS period code (2024JJ00). */
  period: string;
  /** Default internal: analysts and up see it; open publishes it to everyone. */
  confidentiality?: Confidentiality;
  /** The code to store the grand total under (e.g. the region all buurten lie in); left out without one. */
  totalRegion?: string;
}

export interface PublishResult {
  report: ImportReport;
  summary: Awaited<ReturnType<typeof exportAggregate>>['summary'];
}

const REGION = /^(BU|WK|GM)\d/;

/** Aggregates through the output gate and stores the protected table as dataset `datasetId`. Atomic. */
export async function publishAggregate(store: Store, request: PublishRequest): Promise<PublishResult> {
  if (!DATASET_ID.test(request.datasetId))
    throw new LinkageError(
      `dataset id "${request.datasetId}": expected 1-64 letters, digits, "_", "." or "-"`,
    );
  const period = parsePeriod(request.period);
  if (!period.ok)
    throw new LinkageError(
      `period "${request.period}": ${period.error}; expected a CBS period code such as 2024JJ00`,
    );
  const gated = await exportAggregate(store, request);
  const names = gated.columns.slice(0, -3);
  const regional = names.find((n) => gated.rows.every((r) => r[n] === TOTAL || REGION.test(String(r[n]))));
  if (!regional)
    throw new LinkageError(
      `publishing needs a regional grouping (buurt codes) among ${names.join(', ')}; a dataset is region x period`,
    );
  if (request.totalRegion && gated.rows.some((r) => r[regional] === request.totalRegion))
    throw new LinkageError(
      `the table has a row for ${request.totalRegion} already (its gemeente total); leave totalRegion out`,
    );
  const categories = names.filter((n) => n !== regional);
  const variable = request.countIf ? `personen_${request.countIf}` : 'personen';
  const rows: StagedRow[] = [];
  for (const [index, cell] of gated.rows.entries()) {
    const code = String(cell[regional]);
    const region = code === TOTAL ? request.totalRegion : code;
    if (!region) continue;
    rows.push({
      row: index + 1,
      region,
      period: period.value.code,
      variable,
      categories: categories.map((n) => `${n}=${String(cell[n])}`).join(';'),
      value: cell['value'] === null ? 'x' : Number(cell['value']),
    });
  }
  const dimensionCodes: DimensionCode[] = categories.flatMap((n) =>
    [...new Set(gated.rows.map((r) => String(r[n])))].map((code) => ({
      dimension: n,
      code,
      title: code === TOTAL ? 'Totaal' : code,
      ...(code === TOTAL ? {} : { parent: TOTAL }),
    })),
  );
  const report = await ingest(
    store,
    {
      dataset: {
        id: request.datasetId,
        title: request.title,
        description:
          `Linked microdata of project ${request.project}, dataset ${request.dataset}, aggregated by ` +
          `${names.join(', ')} and protected by the output gate (${gated.method}: ` +
          `${gated.summary.primary} primary, ${gated.summary.secondary} secondary suppressions).`,
        publisher: 'udc linkage zone',
        source: `udc linkage project ${request.project}`,
        licence: request.confidentiality === 'open' ? 'CC BY 4.0' : 'internal use only',
        confidentiality: request.confidentiality ?? 'internal',
      },
      variables: [
        {
          key: variable,
          title: request.countIf ? `Personen met ${request.countIf}` : 'Personen',
          unit: 'aantal',
          decimals: 0,
          aggregation: 'sum',
        },
      ],
      dimensionCodes,
      sourceName: `output gate of ${request.project}/${request.dataset}`,
    },
    rows,
  );
  await appendAudit(store, {
    actor: request.actor,
    project: request.project,
    action: 'publish',
    object: request.datasetId,
    outcome: report.outcome === 'stored' ? 'ok' : 'refused',
    detail: {
      dataset: request.dataset,
      by: request.by,
      period: request.period,
      confidentiality: request.confidentiality ?? 'internal',
      rows: report.rowsStored,
      issues: report.issues.slice(0, 5).map((i) => i.message),
    },
  });
  if (report.outcome !== 'stored')
    throw new LinkageError(
      `publishing ${request.datasetId} was rejected: ${report.issues
        .slice(0, 3)
        .map((i) => `${i.row ? `cell ${i.row}: ` : ''}${i.message}`)
        .join('; ')}`,
    );
  return { report, summary: gated.summary };
}
