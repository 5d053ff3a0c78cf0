// A data center's logo is a small SVG file in its folder. It is served to browsers, so it must be
// self-contained and inert: no scripts, no event handlers, no external references. Pure.

/** The most bytes a logo may have: a logo is a few shapes, not an image. */
export const MAX_LOGO_BYTES = 20_000;

/** Problems with an SVG logo's text (empty when it is fine). */
export function logoProblems(svg: string): string[] {
  const problems: string[] = [];
  if (Buffer.byteLength(svg) > MAX_LOGO_BYTES)
    problems.push(`is ${Buffer.byteLength(svg)} bytes; a logo may have at most ${MAX_LOGO_BYTES}`);
  if (!/^\s*(<\?xml[^>]*\?>\s*)?<svg[\s>]/.test(svg))
    problems.push('expected an SVG document starting with <svg');
  if (!/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/.test(svg))
    problems.push('expected xmlns="http://www.w3.org/2000/svg" on the <svg> element');
  if (!/viewBox="[^"]+"/.test(svg)) problems.push('expected a viewBox, so the logo scales');
  if (/<script/i.test(svg)) problems.push('contains a <script>; a logo must be inert');
  if (/<foreignObject/i.test(svg)) problems.push('contains <foreignObject>; a logo must be plain SVG');
  if (/\son[a-z]+\s*=/i.test(svg)) problems.push('contains an event handler attribute (on...=)');
  if (/(?:href|src)\s*=\s*"(?!#)/i.test(svg))
    problems.push('refers to an external resource (href/src); a logo must be self-contained');
  if (/url\(\s*['"]?(?!#)/i.test(svg)) problems.push('refers to an external resource in url(...)');
  if (!/<title>[^<]+<\/title>/.test(svg))
    problems.push('expected a <title> naming the data center (for screen readers)');
  return problems;
}
