import type { Context } from 'hono';

/**
 * The page object, HAL-style `_links` and an RFC 8288 Link header for a paged list (Dutch API
 * design rules: paging with links a client follows instead of building URLs itself).
 */
export function pageOf(c: Context, number: number, size: number, total: number) {
  const totalPages = Math.max(1, Math.ceil(total / size));
  const href = (n: number) => {
    const url = new URL(c.req.url);
    url.searchParams.set('page', String(n));
    return `${url.pathname}${url.search}`;
  };
  const self = new URL(c.req.url);
  const links: Record<string, { href: string }> = { self: { href: `${self.pathname}${self.search}` } };
  links['first'] = { href: href(1) };
  if (number > 1) links['prev'] = { href: href(Math.min(number - 1, totalPages)) };
  if (number < totalPages) links['next'] = { href: href(number + 1) };
  links['last'] = { href: href(totalPages) };
  c.header(
    'link',
    Object.entries(links)
      .filter(([rel]) => rel !== 'self')
      .map(([rel, l]) => `<${l.href}>; rel="${rel}"`)
      .join(', '),
  );
  return { page: { number, size, total, totalPages }, _links: links };
}
