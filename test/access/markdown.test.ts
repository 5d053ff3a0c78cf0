import { describe, expect, it } from 'vitest';
import { renderMarkdown, safeUrl } from '../../src/annotations/markdown.js';

/** Every tag in the HTML, with its attributes. */
function tags(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)].map((m) => m[0]);
}

const ALLOWED =
  /^<\/?(p|br|h2|h3|h4|ul|ol|li|blockquote|pre|code|strong|em)>$|^<a href="[^"]*" rel="nofollow noopener noreferrer">$|^<\/a>$/;

describe('the Markdown renderer is strict', () => {
  const attacks = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">klik</a>',
    '[klik](javascript:alert(1))',
    '[klik](JavaScript:alert(1))',
    '[klik](java\tscript:alert(1))',
    '[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[klik](vbscript:msgbox)',
    '[klik](//evil.example/x)',
    '[klik](/\\evil.example)',
    '[x](https://ok.example/" onmouseover="alert(1))',
    '**<b onclick=alert(1)>vet</b>**',
    '`<script>`',
    '```\n<script>alert(1)</script>\n```',
    '> <iframe src=javascript:alert(1)>',
    '- <svg onload=alert(1)>',
    '# <style>*{}</style>',
    '*a **b* c** _d *e_ f*',
    '[*x*](https://ok.example/?a=1&b=<2>)',
    '&lt;script&gt; &#106;avascript:',
    '{{chart indicator=x}}',
  ];
  for (const attack of attacks) {
    it(`renders ${JSON.stringify(attack).slice(0, 50)} inert`, () => {
      const html = renderMarkdown(attack);
      for (const tag of tags(html)) expect(tag, html).toMatch(ALLOWED);
      // Dangerous words may remain as text (escaped); no tag or link target is made of them.
      expect(html).not.toMatch(/<(script|img|iframe|svg|style|b )/i);
      for (const m of html.matchAll(/href="([^"]*)"/g))
        expect(m[1]).toMatch(/^(https?:\/\/|mailto:|\/(?!\/)|#)/);
    });
  }

  it('renders the subset', () => {
    expect(
      renderMarkdown(
        '# Titel\n\nEen **vette** en *schuine* tekst met `code` en [een link](https://www.cbs.nl/).',
      ),
    ).toBe(
      '<h2>Titel</h2>\n<p>Een <strong>vette</strong> en <em>schuine</em> tekst met <code>code</code> en <a href="https://www.cbs.nl/" rel="nofollow noopener noreferrer">een link</a>.</p>',
    );
    expect(renderMarkdown('- een\n- twee\n\n1. eerste\n2. tweede')).toBe(
      '<ul><li>een</li><li>twee</li></ul>\n<ol><li>eerste</li><li>tweede</li></ol>',
    );
    expect(renderMarkdown('> citaat\n> verder')).toBe('<blockquote><p>citaat<br>\nverder</p></blockquote>');
    expect(renderMarkdown('a < b & c > d')).toBe('<p>a &lt; b &amp; c &gt; d</p>');
    // A link with an unsafe target keeps its text and loses the link.
    expect(renderMarkdown('[klik](javascript:void0)')).toBe('<p>klik</p>');
    expect(renderMarkdown('[klik](javascript:alert(1))')).toBe('<p>[klik](javascript:alert(1))</p>');
    expect(renderMarkdown('[rapport](/api/v1/indicators/x)')).toContain('<a href="/api/v1/indicators/x"');
  });

  it('accepts only http(s), mailto and paths on this site as link targets', () => {
    expect(safeUrl('https://www.cbs.nl/a b')).toBeUndefined();
    expect(safeUrl('https://www.cbs.nl/ab')).toBe('https://www.cbs.nl/ab');
    expect(safeUrl('mailto:info@example.nl')).toBe('mailto:info@example.nl');
    expect(safeUrl('/gebied/GM0014')).toBe('/gebied/GM0014');
    for (const bad of [
      'javascript:x',
      'JAVASCRIPT:x',
      ' javascript:x',
      'data:x',
      '//evil',
      '/\\evil',
      'file:///etc/passwd',
      'ftp://x',
    ])
      expect(safeUrl(bad), bad).toBeUndefined();
  });
});
