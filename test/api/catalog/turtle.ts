/**
 * A small Turtle reader for the tests: prefixes, IRIs, prefixed names, `a`, literals with
 * language or datatype, blank nodes in [ ], and the ; , . separators. It reads Turtle back into
 * triples so a test checks what the catalogue says, not how it is spelled.
 */
export interface Triple {
  s: string;
  p: string;
  o: string;
}

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

export function parseTurtle(text: string): Triple[] {
  const prefixes = new Map<string, string>();
  const triples: Triple[] = [];
  let i = 0;
  let blank = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text[i] === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      ws();
    }
  };
  const expect = (c: string) => {
    ws();
    if (text[i] !== c) throw new Error(`expected ${c} at ${i}: ${text.slice(i, i + 40)}`);
    i++;
  };
  const name = (): string => {
    ws();
    const m = /^([A-Za-z][\w-]*)?:([\w-]*)/.exec(text.slice(i));
    if (!m) throw new Error(`expected a name at ${i}: ${text.slice(i, i + 40)}`);
    i += m[0].length;
    const ns = prefixes.get(m[1] ?? '');
    if (ns === undefined) throw new Error(`unknown prefix ${m[1]}`);
    return ns + m[2];
  };
  const term = (): string => {
    ws();
    const c = text[i];
    if (c === '<') {
      const end = text.indexOf('>', i);
      const iri = text.slice(i + 1, end);
      i = end + 1;
      return iri;
    }
    if (c === '"') {
      let value = '';
      i++;
      while (text[i] !== '"') {
        if (text[i] === '\\') {
          const e = text[i + 1]!;
          value += ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[e] ?? e;
          i += 2;
        } else value += text[i++];
      }
      i++;
      if (text[i] === '@') {
        const m = /^@([a-zA-Z-]+)/.exec(text.slice(i))!;
        i += m[0].length;
        return `"${value}"@${m[1]}`;
      }
      if (text.startsWith('^^', i)) {
        i += 2;
        return `"${value}"^^${name()}`;
      }
      return `"${value}"`;
    }
    if (c === '[') {
      i++;
      const id = `_:b${blank++}`;
      ws();
      if (text[i] !== ']') predicates(id);
      expect(']');
      return id;
    }
    return name();
  };
  const predicates = (subject: string) => {
    for (;;) {
      ws();
      let predicate: string;
      if (text[i] === 'a' && /\s/.test(text[i + 1]!)) {
        i++;
        predicate = RDF_TYPE;
      } else predicate = name();
      for (;;) {
        triples.push({ s: subject, p: predicate, o: term() });
        ws();
        if (text[i] === ',') i++;
        else break;
      }
      ws();
      if (text[i] !== ';') return;
      i++;
      ws();
      if (text[i] === '.' || text[i] === ']') return;
    }
  };
  for (;;) {
    ws();
    if (i >= text.length) return triples;
    if (text.startsWith('@prefix', i)) {
      i += 7;
      ws();
      const m = /^([A-Za-z][\w-]*)?:/.exec(text.slice(i))!;
      i += m[0].length;
      prefixes.set(m[1] ?? '', term());
      expect('.');
      continue;
    }
    const subject = term();
    predicates(subject);
    expect('.');
  }
}

/** The triples of a JSON-LD document of the shape udc writes (compact, prefixes in @context). */
export function jsonLdTriples(document: {
  '@context': Record<string, string>;
  '@graph': unknown[];
}): Triple[] {
  const context = document['@context'];
  const expand = (n: string) => {
    const [p, local] = n.split(':', 2) as [string, string];
    return context[p] ? context[p] + local : n;
  };
  const triples: Triple[] = [];
  let blank = 0;
  const node = (o: Record<string, unknown>): string => {
    const id = (o['@id'] as string | undefined) ?? `_:j${blank++}`;
    for (const [key, raw] of Object.entries(o)) {
      if (key === '@id') continue;
      for (const v of Array.isArray(raw) ? raw : [raw]) {
        if (key === '@type') triples.push({ s: id, p: RDF_TYPE, o: expand(v as string) });
        else triples.push({ s: id, p: expand(key), o: value(v) });
      }
    }
    return id;
  };
  const value = (v: unknown): string => {
    if (typeof v === 'string') return `"${v}"`;
    const o = v as Record<string, unknown>;
    if ('@value' in o) {
      if (o['@language']) return `"${o['@value'] as string}"@${o['@language'] as string}`;
      if (o['@type']) return `"${o['@value'] as string}"^^${expand(o['@type'] as string)}`;
      return `"${o['@value'] as string}"`;
    }
    if ('@id' in o && Object.keys(o).length === 1) return o['@id'] as string;
    return node(o);
  };
  for (const n of document['@graph']) node(n as Record<string, unknown>);
  return triples;
}
