// Colour contrast as WCAG 2.2 defines it (relative luminance of sRGB), so a data center's colours
// are checked before a reader has to squint at them. Pure.

const HEX = /^#[0-9a-fA-F]{6}$/;

/** True for a colour written as #rrggbb. */
export function isHexColour(text: string): boolean {
  return HEX.test(text);
}

/** Relative luminance of an sRGB colour #rrggbb (WCAG 2.2, definition "relative luminance"). */
export function relativeLuminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** WCAG contrast ratio (1 to 21) between two colours #rrggbb. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [
    number,
    number,
  ];
  return (light + 0.05) / (dark + 0.05);
}

/** The pairs a data center's colours must satisfy, with the WCAG minimum for each. */
export const CONTRAST_RULES = [
  { fore: 'text', back: 'background', minimum: 4.5, why: 'body text (WCAG 1.4.3)' },
  {
    fore: 'primary',
    back: 'background',
    minimum: 4.5,
    why: 'links and headings in the primary colour (WCAG 1.4.3)',
  },
  { fore: 'white', back: 'primary', minimum: 4.5, why: 'white text on the primary header bar (WCAG 1.4.3)' },
  {
    fore: 'accent',
    back: 'background',
    minimum: 3,
    why: 'the accent in charts and focus rings (WCAG 1.4.11)',
  },
] as const;

export interface Colours {
  primary: string;
  accent: string;
  text: string;
  background: string;
}

/** Each contrast rule with its measured ratio and whether it passes. */
export function checkContrast(colours: Colours) {
  const colour = (name: string) => (name === 'white' ? '#ffffff' : colours[name as keyof Colours]);
  return CONTRAST_RULES.map((rule) => {
    const ratio = contrastRatio(colour(rule.fore), colour(rule.back));
    return { ...rule, ratio: Math.round(ratio * 100) / 100, passes: ratio >= rule.minimum };
  });
}
