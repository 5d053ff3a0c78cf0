// A small, strict Markdown renderer for notes and stories. Everything the writer typed is escaped;
// the renderer only ever adds its own tags, always opened and closed within one piece of text,
// so no input can produce a tag, an attribute or an event handler of its own. There is no raw
// HTML: `<script>` is shown as the text "<script>". Links keep their text but lose their target
// unless the target is http(s), mailto or a path on this site (no javascript:, data:, vbscript:).
//
// The subset: paragraphs; headings (#, ##, ###: rendered h2-h4, the page owns h1); lists (- or *,
// and 1.); block quotes (>); fenced code (```); inline `code`, **strong**, *emphasis* or _emphasis_,
// [links](https://...). A line that is only a {{directive}} is handed to the caller (stories'
// live figures); without a handler it is shown as text.
import { escapeHtml } from '../core/html.js';

export { escapeHtml };

/** The link target if it is safe to follow, else undefined (the link becomes plain text). */
export function safeUrl(target: string): string | undefined {
  // Control characters and backslashes are how scheme filters are fooled (java\tscript:, /\evil).
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u0020\u007f\\]/.test(target)) return undefined;
  if (/^\/(?!\/)/.test(target) || target.startsWith('#')) return target;
  try {
    const url = new URL(target);
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Bold and emphasis on already escaped text (escaping never makes * or _). */
function emphasis(escaped: string): string {
  return (
    escaped
      .replace(/\*\*(?=\S)([^*]+?)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|[^\w*])\*(?=\S)([^*]+?)\*(?!\*)/g, '$1<em>$2</em>')
      // Never across a tag made above: the tags stay properly nested.
      .replace(/(^|[^\w_])_(?=\S)([^_<>]+?)_(?!\w)/g, '$1<em>$2</em>')
  );
}

function links(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(/\[([^[\]]{1,500})\]\(([^()\s]{1,2000})\)/g)) {
    out += emphasis(escapeHtml(text.slice(last, m.index)));
    const href = safeUrl(m[2]!);
    const label = emphasis(escapeHtml(m[1]!));
    out += href ? `<a href="${escapeHtml(href)}" rel="nofollow noopener noreferrer">${label}</a>` : label;
    last = m.index + m[0].length;
  }
  return out + emphasis(escapeHtml(text.slice(last)));
}

/** One line of inline Markdown as HTML. */
export function renderInline(text: string): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((part) =>
      part.length > 2 && part.startsWith('`') && part.endsWith('`')
        ? `<code>${escapeHtml(part.slice(1, -1))}</code>`
        : links(part),
    )
    .join('');
}

/** Renders a directive line ({{...}}) to HTML, or undefined to show it as text. */
export type DirectiveHandler = (directive: string, line: number) => string | undefined;

/** Markdown (the subset above) as safe HTML. */
export function renderMarkdown(source: string, directive?: DirectiveHandler): string {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) out.push(`<p>${paragraph.map(renderInline).join('<br>\n')}</p>`);
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (trimmed === '') {
      flush();
      continue;
    }
    if (/^```/.test(trimmed)) {
      flush();
      const code: string[] = [];
      while (++i < lines.length && !/^```\s*$/.test(lines[i]!.trim())) code.push(lines[i]!);
      out.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
      continue;
    }
    const directiveMatch = /^\{\{([^{}]*)\}\}$/.exec(trimmed);
    if (directiveMatch && directive) {
      const html = directive(directiveMatch[1]!.trim(), i + 1);
      if (html !== undefined) {
        flush();
        out.push(html);
        continue;
      }
    }
    const heading = /^(#{1,3})\s+(.*)$/.exec(trimmed);
    if (heading) {
      flush();
      const level = heading[1]!.length + 1;
      out.push(`<h${level}>${renderInline(heading[2]!.replace(/\s+#+$/, ''))}</h${level}>`);
      continue;
    }
    const list = /^([-*]|\d{1,9}\.)\s+/.exec(trimmed);
    if (list) {
      flush();
      const ordered = list[1]!.endsWith('.');
      const pattern = ordered ? /^\d{1,9}\.\s+(.*)$/ : /^[-*]\s+(.*)$/;
      const items: string[] = [];
      for (; i < lines.length; i++) {
        const m = pattern.exec(lines[i]!.trim());
        if (!m) break;
        items.push(`<li>${renderInline(m[1]!)}</li>`);
      }
      i--;
      const tag = ordered ? 'ol' : 'ul';
      out.push(`<${tag}>${items.join('')}</${tag}>`);
      continue;
    }
    if (trimmed.startsWith('>')) {
      flush();
      const quoted: string[] = [];
      for (; i < lines.length && lines[i]!.trim().startsWith('>'); i++)
        quoted.push(lines[i]!.trim().replace(/^>\s?/, ''));
      i--;
      out.push(`<blockquote><p>${quoted.map(renderInline).join('<br>\n')}</p></blockquote>`);
      continue;
    }
    paragraph.push(trimmed);
  }
  flush();
  return out.join('\n');
}
