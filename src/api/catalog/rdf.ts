/**
 * A small RDF model (resources with typed properties, blank nodes nested) and its two
 * serialisations, Turtle and JSON-LD, written from the same nodes so they always say the same.
 * Pure; just enough for a DCAT catalogue.
 */

/** Namespace prefixes used in both serialisations. */
export const PREFIXES: Readonly<Record<string, string>> = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  adms: 'http://www.w3.org/ns/adms#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
};

/** An object of a triple: an IRI, a literal (with language or datatype), or a nested blank node. */
export type RdfValue = { iri: string } | { value: string; lang?: string; datatype?: string } | RdfNode;

/** A resource: an IRI (absent for a blank node), its types and properties (prefixed names). */
export interface RdfNode {
  id?: string;
  types: string[];
  properties: [string, RdfValue][];
}

/** IRI value. */
export const iri = (value: string): RdfValue => ({ iri: value });
/** Language-tagged string. */
export const text = (value: string, lang?: string): RdfValue => (lang ? { value, lang } : { value });
/** Typed literal (datatype as a prefixed name, e.g. xsd:date). */
export const typed = (value: string, datatype: string): RdfValue => ({ value, datatype });

function isNode(value: RdfValue): value is RdfNode {
  return 'types' in value;
}

function expand(name: string): string {
  const [prefix, local] = name.split(':', 2) as [string, string];
  const ns = PREFIXES[prefix];
  if (!ns) throw new Error(`unknown prefix in ${name}`);
  return ns + local;
}

// Characters Turtle's IRIREF forbids are percent-encoded.
function turtleIri(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what IRIREF forbids
  return `<${value.replace(/[\u0000-\u0020<>"{}|^`\\]/g, (c) => encodeURIComponent(c))}>`;
}

function turtleString(value: string): string {
  return `"${value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')}"`;
}

function turtleValue(value: RdfValue, indent: string): string {
  if (isNode(value)) return turtleBlank(value, indent);
  if ('iri' in value) return turtleIri(value.iri);
  if (value.lang) return `${turtleString(value.value)}@${value.lang}`;
  if (value.datatype) return `${turtleString(value.value)}^^${value.datatype}`;
  return turtleString(value.value);
}

function turtleBody(node: RdfNode, indent: string): string[] {
  const lines: string[] = [];
  if (node.types.length > 0) lines.push(`${indent}a ${node.types.join(', ')}`);
  for (const [predicate, value] of node.properties)
    lines.push(`${indent}${predicate} ${turtleValue(value, `${indent}  `)}`);
  return lines;
}

function turtleBlank(node: RdfNode, indent: string): string {
  return `[\n${turtleBody(node, `${indent}  `).join(' ;\n')}\n${indent}]`;
}

/** The nodes as a Turtle document. */
export function toTurtle(nodes: readonly RdfNode[]): string {
  const head = Object.entries(PREFIXES).map(([p, ns]) => `@prefix ${p}: <${ns}> .`);
  const blocks = nodes.map((n) => `${n.id ? turtleIri(n.id) : '[]'}\n${turtleBody(n, '  ').join(' ;\n')} .`);
  return `${head.join('\n')}\n\n${blocks.join('\n\n')}\n`;
}

function jsonLdValue(value: RdfValue): unknown {
  if (isNode(value)) return jsonLdNode(value);
  if ('iri' in value) return { '@id': value.iri };
  if (value.lang) return { '@value': value.value, '@language': value.lang };
  if (value.datatype) return { '@value': value.value, '@type': value.datatype };
  return value.value;
}

function jsonLdNode(node: RdfNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (node.id) out['@id'] = node.id;
  if (node.types.length > 0) out['@type'] = node.types.length === 1 ? node.types[0] : node.types;
  for (const [predicate, value] of node.properties) {
    const v = jsonLdValue(value);
    const existing = out[predicate];
    out[predicate] = existing === undefined ? v : Array.isArray(existing) ? [...existing, v] : [existing, v];
  }
  return out;
}

/** The nodes as one JSON-LD document (compact form with the prefixes as context). */
export function toJsonLd(nodes: readonly RdfNode[]): Record<string, unknown> {
  return { '@context': { ...PREFIXES }, '@graph': nodes.map(jsonLdNode) };
}

/** Expands a prefixed name (dcat:Dataset) to its IRI. */
export { expand as expandName };
