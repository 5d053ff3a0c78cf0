/**
 * HTML built with a tagged template that escapes every interpolated value unless it is already
 * HTML. Pages are strings rendered on the server: no framework, and nothing a value contains (an
 * area name, a search term) can break out of its element or attribute.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

import { escapeHtml } from '../core/html.js';

export { escapeHtml };

/** Trusted markup, passed through unescaped (only for strings this room built itself). */
export function raw(text: string): Html {
  return new Html(text);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** The template tag: `html\`<p>${name}</p>\`` escapes name; arrays are joined; null and false vanish. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/**
 * The page with the indentation of its templates removed: every run of white space that holds a
 * line break becomes one line break, which HTML renders exactly as before (the pages use no <pre>
 * or <textarea>). A page with every buurt loses about half its bytes.
 */
export function compactWhitespace(text: string): string {
  return text.replace(/[ \t]*\n\s*/g, '\n');
}
