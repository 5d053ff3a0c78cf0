import { err, ok, type Result } from './result.js';

/**
 * Region levels as CBS names them. Dutch names are kept where they are names: land (country),
 * landsdeel (group of provinces), provincie, COROP (regional planning area) and its sub and plus
 * divisions, gemeente (municipality), wijk (district), buurt (neighbourhood), and the regional
 * classifications built from gemeenten. 'custom' is a region a data center defines itself.
 */
export type RegionLevel =
  | 'land'
  | 'landsdeel'
  | 'provincie'
  | 'corop'
  | 'corop_sub'
  | 'coropplus'
  | 'gemeente'
  | 'wijk'
  | 'buurt'
  | 'arbeidsmarktregio'
  | 'ggd'
  | 'veiligheidsregio'
  | 'politieregio'
  | 'jeugdregio'
  | 'woningmarktregio'
  | 'ressort'
  | 'custom';

/** A checked region code; `gemeente` is the GMxxxx a wijk or buurt code lies in. */
export interface RegionCode {
  code: string;
  level: RegionLevel;
  gemeente?: string;
}

/**
 * Every level from smallest to largest. The classifications are not nested in one another, so
 * this is their usual size (number of regions in the country), not containment. Custom regions
 * have no fixed size; in practice they group wijken, buurten or gemeenten, so they sit next to
 * gemeente.
 */
export const REGION_LEVEL_ORDER: readonly RegionLevel[] = [
  'buurt',
  'wijk',
  'custom',
  'gemeente',
  'coropplus',
  'corop_sub',
  'corop',
  'jeugdregio',
  'arbeidsmarktregio',
  'woningmarktregio',
  'ggd',
  'veiligheidsregio',
  'provincie',
  'politieregio',
  'ressort',
  'landsdeel',
  'land',
];

type Shape = { level: RegionLevel; pattern: RegExp; rule: string };

// Keyed by the two-letter prefix; `rule` completes "<name> codes are ..." in error messages.
const SHAPES: Readonly<Record<string, Shape>> = {
  // KWB (kerncijfers wijken en buurten) uses NL00, the other StatLine tables NL01.
  NL: { level: 'land', pattern: /^NL0[01]$/, rule: 'land codes are NL00 or NL01' },
  LD: { level: 'landsdeel', pattern: /^LD0[1-4]$/, rule: 'landsdeel codes are LD01..LD04' },
  PV: {
    level: 'provincie',
    pattern: /^PV\d{2}$/,
    rule: 'provincie codes are PV followed by 2 digits (e.g. PV20)',
  },
  CR: { level: 'corop', pattern: /^CR\d{2}$/, rule: 'COROP codes are CR followed by 2 digits (e.g. CR01)' },
  CS: {
    level: 'corop_sub',
    pattern: /^CS\d{3}$/,
    rule: 'COROP-subgebied codes are CS followed by 3 digits (e.g. CS011)',
  },
  CP: {
    level: 'coropplus',
    pattern: /^CP\d{2}$/,
    rule: 'COROP-plusgebied codes are CP followed by 2 digits (e.g. CP01)',
  },
  GM: {
    level: 'gemeente',
    pattern: /^GM\d{4}$/,
    rule: 'gemeente codes are GM followed by 4 digits (e.g. GM0014)',
  },
  // Amsterdam numbers its wijken and buurten with letters since 2022 (WK0363AA, BU0363AA01).
  WK: {
    level: 'wijk',
    pattern: /^WK\d{4}[0-9A-Z]{2}$/,
    rule: 'wijk codes are WK, the 4-digit gemeente number and 2 digits or capitals (e.g. WK001400, WK0363AA)',
  },
  BU: {
    level: 'buurt',
    pattern: /^BU\d{4}[0-9A-Z]{4}$/,
    rule: 'buurt codes are BU, the 4-digit gemeente number and 4 digits or capitals (e.g. BU00140000, BU0363AA01)',
  },
  AM: {
    level: 'arbeidsmarktregio',
    pattern: /^AM\d{2}$/,
    rule: 'arbeidsmarktregio codes are AM followed by 2 digits (e.g. AM01)',
  },
  GG: {
    level: 'ggd',
    pattern: /^GG\d{4}$/,
    rule: 'GGD-regio codes are GG followed by 4 digits (e.g. GG0701)',
  },
  VR: {
    level: 'veiligheidsregio',
    pattern: /^VR\d{2}$/,
    rule: 'veiligheidsregio codes are VR followed by 2 digits (e.g. VR01)',
  },
  RE: {
    level: 'politieregio',
    pattern: /^RE\d{2}$/,
    rule: 'politieregio codes are RE followed by 2 digits (e.g. RE01)',
  },
  JZ: {
    level: 'jeugdregio',
    pattern: /^JZ\d{2}$/,
    rule: 'jeugdregio codes are JZ followed by 2 digits (e.g. JZ01)',
  },
  WM: {
    level: 'woningmarktregio',
    pattern: /^WM\d{2}$/,
    rule: 'woningmarktregio codes are WM followed by 2 digits (e.g. WM01)',
  },
  RS: {
    level: 'ressort',
    pattern: /^RS\d{2}$/,
    rule: 'ressort codes are RS followed by 2 digits (e.g. RS01)',
  },
};

const CUSTOM = /^X_[A-Z0-9_]{1,40}$/;
const CUSTOM_RULE =
  'custom region codes are X_ followed by 1 to 40 letters, digits or underscores (e.g. X_RGA)';
const KNOWN_PREFIXES = `${Object.keys(SHAPES).join(', ')} or X_ (custom)`;

/** Parses a CBS region code (trimming StatLine's space padding, upper-casing) into its canonical code and level. */
export function parseRegionCode(text: string): Result<RegionCode> {
  const code = text.trim().toUpperCase();
  if (code === '') return err(`"${text}" is not a region code: it is empty; expected a code such as GM0014`);
  if (code.startsWith('X_')) {
    return CUSTOM.test(code) ? ok({ code, level: 'custom' }) : invalid(code, CUSTOM_RULE);
  }
  const prefix = code.slice(0, 2);
  const shape = SHAPES[prefix];
  if (!shape) {
    return err(
      `"${code}" is not a region code: unknown prefix "${prefix}"; known prefixes are ${KNOWN_PREFIXES}`,
    );
  }
  if (!shape.pattern.test(code)) return invalid(code, shape.rule);
  // The 4 digits after WK or BU are the gemeente's own number.
  if (shape.level === 'wijk' || shape.level === 'buurt') {
    return ok({ code, level: shape.level, gemeente: `GM${code.slice(2, 6)}` });
  }
  return ok({ code, level: shape.level });
}

function invalid(code: string, rule: string): Result<never> {
  return err(`"${code}" is not a valid region code: ${rule}`);
}
