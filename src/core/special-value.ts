/**
 * Observation status. CBS marks a value with a symbol instead of a number when there is no figure:
 * '.' (cijfer onbekend, missing), 'x' (geheim, secret), '-' (nihil, nil), '?' (onbetrouwbaar,
 * unreliable) and an empty cell (niet van toepassing, not applicable). A number itself may be
 * final, provisional (voorlopig) or revised provisional (nader voorlopig).
 */
export type ObservationStatus =
  | 'final'
  | 'provisional'
  | 'revised_provisional'
  | 'missing'
  | 'secret'
  | 'nil'
  | 'unreliable'
  | 'not_applicable';

/** How readers see each status, as StatLine writes it (nl) and in English. */
export const STATUS_LABELS: Readonly<Record<ObservationStatus, { nl: string; en: string }>> = {
  final: { nl: 'definitief', en: 'final' },
  provisional: { nl: 'voorlopig', en: 'provisional' },
  revised_provisional: { nl: 'nader voorlopig', en: 'revised provisional' },
  missing: { nl: 'cijfer onbekend', en: 'figure unknown' },
  secret: { nl: 'geheim', en: 'secret' },
  nil: { nl: 'nihil', en: 'nil' },
  unreliable: { nl: 'onbetrouwbaar', en: 'unreliable' },
  not_applicable: { nl: 'niet van toepassing', en: 'not applicable' },
};

/** The status a CBS special value stands for, or undefined when the text is not one (so it should be a number). */
export function specialValue(text: string | null | undefined): ObservationStatus | undefined {
  if (text === null || text === undefined) return 'not_applicable';
  switch (text.trim()) {
    case '':
      return 'not_applicable';
    case '.':
      return 'missing';
    case 'x':
    case 'X':
      return 'secret';
    case '-':
    case '–':
      return 'nil';
    case '?':
      return 'unreliable';
    default:
      return undefined;
  }
}

/**
 * Maps a StatLine status code to udc's status. StatLine's period and observation status
 * texts are 'Definitief', 'Voorlopig', 'Nader voorlopig' (v3 Status column; v4 ValueAttribute
 * uses 'None' for a plain value and codes such as 'Impossible' or 'Confidential' for symbols).
 */
export function statusFromCbs(status: string | null | undefined): ObservationStatus {
  const s = (status ?? '').trim().toLowerCase();
  switch (s) {
    case 'voorlopig':
    case 'provisional':
      return 'provisional';
    case 'nader voorlopig':
    case 'revised provisional':
      return 'revised_provisional';
    case 'impossible':
      return 'not_applicable';
    case 'confidential':
      return 'secret';
    case 'unknown':
    case 'missing':
      return 'missing';
    case 'nil':
      return 'nil';
    case 'unreliable':
      return 'unreliable';
    default:
      return 'final';
  }
}
