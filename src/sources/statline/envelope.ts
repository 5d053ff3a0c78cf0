/**
 * The envelope of an OData page read without parsing its rows: the members before and after the
 * "value" array (next link, count, context). A page is megabytes of rows and the download needs
 * only the next link, so it reads the head and the tail of the bytes, as JSON, and leaves the rows
 * to the engine, which parses (and so validates) them when it reads the cached pages. Anything but
 * the plain OData shape (one object whose only array or object member is "value") is parsed whole,
 * so an unusual page is read correctly, only slower.
 */
import { StatlineHttpError } from './http.js';

/** What a page's envelope says. */
export interface PageEnvelope {
  nextLink?: string;
  count?: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Reads the envelope of the page `bytes` fetched from (or stored as) `source`. Throws a
 * StatlineHttpError (kind 'json') naming `source` when the bytes are not a JSON document (empty,
 * cut off, not an object or array) or hold no "value" array.
 */
export function readEnvelope(source: string, bytes: Uint8Array): PageEnvelope {
  const head = new Head(source, bytes);
  return head.read();
}

class Head {
  constructor(
    private readonly source: string,
    private readonly b: Uint8Array,
  ) {}

  read(): PageEnvelope {
    const b = this.b;
    let start = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0; // UTF-8 byte order mark
    start = this.skip(start);
    const end = this.skipBack(b.length - 1);
    if (start > end) this.malformed('the body is empty', 0);
    // A bare array is a collection without envelope (no next link).
    if (b[start] === OPEN_BRACKET) {
      if (b[end] !== CLOSE_BRACKET) this.malformed('the body ends before the array is closed', end);
      return {};
    }
    if (b[start] !== OPEN_BRACE) this.malformed('expected { or [ at the start', start);
    if (b[end] !== CLOSE_BRACE) this.malformed('the body ends before the object is closed', end);

    const members = new Map<string, unknown>();
    // Forward: the members before the first array or object.
    let i = this.skip(start + 1);
    let open = -1;
    let container = '';
    // An empty object falls through to the full reader, which says it has no "value".
    while (b[i] !== CLOSE_BRACE) {
      const keyEnd = this.stringEnd(i);
      const key = String(this.json(i, keyEnd + 1));
      i = this.skip(this.expect(this.skip(keyEnd + 1), COLON));
      if (b[i] === OPEN_BRACKET || b[i] === OPEN_BRACE) {
        open = i;
        container = key;
        break;
      }
      const valueEnd = b[i] === QUOTE ? this.stringEnd(i) + 1 : this.literalEnd(i);
      members.set(key, this.json(i, valueEnd));
      i = this.skip(valueEnd);
      if (b[i] === CLOSE_BRACE) break;
      // After a comma another member must follow: a trailing comma is not JSON.
      i = this.skip(this.expect(i, COMMA));
      if (b[i] !== QUOTE) this.malformed('expected a member name after ,', i);
    }
    if (open < 0) {
      if (i !== end) this.malformed('text after the end of the document', i);
      return this.whole(); // no "value" array: the full reader says what is wrong
    }
    // Backward: the members after the last array or object.
    let j = this.skipBack(end - 1);
    while (j > open && b[j] !== CLOSE_BRACKET && b[j] !== CLOSE_BRACE) {
      const valueStart = b[j] === QUOTE ? this.stringStartBack(j, open) : this.literalStartBack(j, open);
      const value = this.json(valueStart, j + 1);
      let k = this.skipBack(valueStart - 1);
      if (b[k] !== COLON) this.malformed('expected : before a value', k);
      k = this.skipBack(k - 1);
      if (b[k] !== QUOTE) this.malformed('expected a member name', k);
      const keyStart = this.stringStartBack(k, open);
      members.set(String(this.json(keyStart, k + 1)), value);
      k = this.skipBack(keyStart - 1);
      if (b[k] !== COMMA) this.malformed('expected , between members', k);
      j = this.skipBack(k - 1);
    }
    if (j <= open) this.malformed('the members do not fit together', j);
    // Only the plain shape is read from its ends: "value" is an array and the last container
    // closes with ]. Anything else (two containers, an object "value") is parsed whole.
    if (container !== 'value' || b[open] !== OPEN_BRACKET || b[j] !== CLOSE_BRACKET) return this.whole();
    return envelopeOf(members);
  }

  private whole(): PageEnvelope {
    const text = Buffer.from(this.b.buffer, this.b.byteOffset, this.b.byteLength).toString('utf8');
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      this.fail((error as Error).message, text);
    }
    if (Array.isArray(document)) return {};
    const body = document as Record<string, unknown> | null;
    if (body === null || typeof body !== 'object' || !Array.isArray(body['value'])) {
      throw new StatlineHttpError(
        `${this.source} returned JSON without a "value" array; expected an OData collection (rows in "value")`,
        this.source,
        'json',
      );
    }
    return envelopeOf(new Map(Object.entries(body)));
  }

  // JSON whitespace only; anything else is left for the caller to judge.
  private skip(i: number): number {
    const b = this.b;
    while (i < b.length && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
    return i;
  }

  private skipBack(i: number): number {
    const b = this.b;
    while (i >= 0 && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i--;
    return i;
  }

  private expect(i: number, byte: number): number {
    if (this.b[i] !== byte) this.malformed(`expected ${String.fromCharCode(byte)}`, i);
    return i + 1;
  }

  /** Index of the quote that closes the string opening at `i`. */
  private stringEnd(i: number): number {
    const b = this.b;
    if (b[i] !== QUOTE) this.malformed('expected a string', i);
    for (let k = i + 1; k < b.length; k++) {
      if (b[k] === BACKSLASH) k++;
      else if (b[k] === QUOTE) return k;
    }
    return this.malformed('a string is not closed', i);
  }

  /**
   * Index of the quote that opens the string closing at `j`: the first quote before it that is
   * not escaped, i.e. not preceded by an odd number of backslashes.
   */
  private stringStartBack(j: number, floor: number): number {
    const b = this.b;
    for (let k = j - 1; k > floor; k--) {
      if (b[k] !== QUOTE) continue;
      let slashes = 0;
      while (b[k - 1 - slashes] === BACKSLASH) slashes++;
      if (slashes % 2 === 0) return k;
    }
    return this.malformed('a string is not opened', j);
  }

  // Numbers, true, false, null: JSON.parse of the slice then says whether it is one.
  private literalEnd(i: number): number {
    let k = i;
    while (k < this.b.length && isLiteral(this.b[k]!)) k++;
    if (k === i) this.malformed('expected a value', i);
    return k;
  }

  private literalStartBack(j: number, floor: number): number {
    let k = j;
    while (k > floor && isLiteral(this.b[k]!)) k--;
    if (k === j) this.malformed('expected a value', j);
    return k + 1;
  }

  private json(from: number, to: number): unknown {
    const text = Buffer.from(this.b.buffer, this.b.byteOffset + from, to - from).toString('utf8');
    try {
      return JSON.parse(text);
    } catch (error) {
      return this.fail(`${(error as Error).message} in ${JSON.stringify(text.slice(0, 60))}`, undefined);
    }
  }

  private malformed(what: string, at: number): never {
    return this.fail(`${what} at byte ${Math.max(0, at)}`, undefined);
  }

  private fail(reason: string, text: string | undefined): never {
    const body =
      text ?? Buffer.from(this.b.buffer, this.b.byteOffset, Math.min(60, this.b.byteLength)).toString('utf8');
    throw new StatlineHttpError(
      `${this.source} did not return valid JSON (${reason}; the body starts with ${JSON.stringify(body.slice(0, 60))}); expected an OData JSON document`,
      this.source,
      'json',
    );
  }
}

function isLiteral(c: number): boolean {
  // 0-9 . + - and letters (true, false, null, exponents)
  return (
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2e ||
    c === 0x2b ||
    c === 0x2d ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a)
  );
}

function envelopeOf(members: Map<string, unknown>): PageEnvelope {
  const next = members.get('odata.nextLink') ?? members.get('@odata.nextLink');
  const count = members.get('odata.count') ?? members.get('@odata.count');
  return {
    nextLink: typeof next === 'string' ? next : undefined,
    count: count === undefined ? undefined : Number(count),
  };
}
