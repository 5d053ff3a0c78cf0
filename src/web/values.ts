/**
 * How one published value reads on a page. Hidden values (disclosure control) are never shown as a
 * blank or zero: they say "geheim" and point at the explanation; converted values carry a mark.
 */
import { formatValue } from './format.js';
import { html, type Html } from './html.js';
import { statusName } from './i18n.js';
import type { PageContext } from './layout.js';
import type { MapArea } from './map.js';

export interface Shown {
  value: number | null;
  status: string;
  disclosure: string | null;
  conversion?: 'exact' | 'estimated' | null;
}

export const SECRET_NOTE_ID = 'uitleg-geheim';
export const CONVERTED_NOTE_ID = 'uitleg-omgerekend';

/** Is a value hidden for confidentiality (by udc's disclosure control or CBS's "secret" status)? */
export function isHidden(v: Shown): boolean {
  return v.value === null && (v.disclosure !== null || v.status === 'secret');
}

/** The value as plain text (map labels, tooltips). */
export function valueText(ctx: PageContext, unit: string, decimals: number, v: Shown): string {
  if (isHidden(v)) return ctx.words.secret;
  if (v.value === null) return `– (${statusName(v.status, ctx.lang)})`;
  const text = formatValue(v.value, decimals, unit, ctx.lang);
  return v.conversion ? `${text} (${ctx.words.converted})` : text;
}

/** The value for a table cell, with the marks and links to their explanations. */
export function valueCell(ctx: PageContext, unit: string, decimals: number, v: Shown): Html {
  if (isHidden(v)) return html`<a class="secret" href="#${SECRET_NOTE_ID}">${ctx.words.secret}</a>`;
  if (v.value === null)
    return html`<span class="missing"
      >–<span class="visually-hidden"> ${statusName(v.status, ctx.lang)}</span></span
    >`;
  const text = formatValue(v.value, decimals, unit, ctx.lang);
  const status =
    v.status === 'provisional' || v.status === 'revised_provisional'
      ? html` <span class="status">(${statusName(v.status, ctx.lang)})</span>`
      : '';
  if (v.conversion)
    return html`<span class="converted"
        >${text}<a href="#${CONVERTED_NOTE_ID}" aria-label="${ctx.words.converted}">*</a></span
      >${status}`;
  return html`${text}${status}`;
}

/** The notes a page with values needs: what "geheim" and the conversion mark mean. */
export function valueNotes(ctx: PageContext, shown: Shown[]): Html {
  const secret = shown.some(isHidden);
  const converted = shown.filter((v) => v.conversion);
  if (!secret && converted.length === 0) return html``;
  return html`<aside class="notes">
    ${secret ? html`<p id="${SECRET_NOTE_ID}"><span class="swatch hatch" aria-hidden="true"></span> ${ctx.words.secretExplain}</p>` : ''}
    ${converted.length > 0 ? html`<p id="${CONVERTED_NOTE_ID}">${ctx.words.convertedMark}. ${ctx.words.convertedExplain(converted.some((v) => v.conversion === 'estimated'))}</p>` : ''}
  </aside>`;
}

/** Published values of areas as a choropleth's areas, by region code, each labelled by `label`. */
export function mapAreas<V extends Shown & { region: string; regionName: string | null }>(
  values: readonly V[],
  label: (v: V) => string,
): Map<string, MapArea> {
  return new Map(
    values.map((v) => [
      v.region,
      {
        code: v.region,
        name: v.regionName ?? v.region,
        value: v.value,
        label: label(v),
        hidden: isHidden(v),
        converted: v.conversion != null,
      },
    ]),
  );
}
