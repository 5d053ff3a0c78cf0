/**
 * Classes and colours of a choropleth. Quantile classes put about as many areas in each colour, so
 * a map of skewed figures (one city, many villages) still shows differences; the legend names each
 * class by the lowest and highest value it actually holds, so no class pretends to cover values
 * nobody has.
 */

/** Viridis in five steps, light to dark: readable with every common colour-vision deficiency and in greyscale. */
export const SEQUENTIAL = ['#fde725', '#5ec962', '#21918c', '#3b528b', '#440154'] as const;

/** The fill of an area without a figure, and the ink of the hatching of a hidden one. */
export const NO_DATA_FILL = '#f2f2f2';
export const HATCH_INK = '#555555';

export interface ValueClass {
  min: number;
  max: number;
  colour: string;
  count: number;
}

/**
 * Up to `k` quantile classes of the values: upper bounds at the k-quantiles, merged where several
 * quantiles fall on the same value. An empty list gives no classes.
 */
export function quantileClasses(values: number[], k = SEQUENTIAL.length): ValueClass[] {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const groups: number[][] = [];
  let start = 0;
  for (let i = 1; i <= k && start < sorted.length; i++) {
    let end = Math.ceil((sorted.length * i) / k);
    // Equal values stay in one class: a tie at the boundary moves into the class that holds it.
    while (end < sorted.length && sorted[end] === sorted[end - 1]) end++;
    if (end > start) groups.push(sorted.slice(start, end));
    start = end;
  }
  // Spread the palette over the classes there are, keeping both ends.
  const n = groups.length;
  return groups.map((group, i) => ({
    min: group[0]!,
    max: group[group.length - 1]!,
    count: group.length,
    colour:
      SEQUENTIAL[n === 1 ? SEQUENTIAL.length - 1 : Math.round((i * (SEQUENTIAL.length - 1)) / (n - 1))]!,
  }));
}

/** The class a value falls in (the first whose maximum it does not exceed). */
export function classOf(value: number, classes: ValueClass[]): ValueClass | undefined {
  return classes.find((c) => value <= c.max) ?? classes[classes.length - 1];
}

/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** WCAG contrast ratio of two #rrggbb colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}
