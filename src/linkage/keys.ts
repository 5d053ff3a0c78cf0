// Pseudonymisation keys live outside the database: in a key file (one hex key per line, oldest
// first) or an environment variable (the same keys separated by commas). The database holds only
// where the key is and a fingerprint per key generation, so a wrong key is refused instead of
// silently producing pseudonyms that link to nothing.
//
// Rotation adds a key; pseudonyms are then a chain: p1 = H(k1, BSN), p2 = H(k2, p1), ...
// Stored data is re-keyed by hashing its pseudonyms with the new key only (no BSN needed), and a
// new file is hashed through the whole chain. Someone who learns one key cannot compute any
// stored pseudonym from a BSN: that takes every key of the chain.
import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { LinkageError } from './errors.js';
import { BatchHash, selfTest as batchSelfTest } from './hmac-batch.js';
import { KeyedHash, selfTest } from './hmac.js';

/** Where a project's keys are: a file path or an environment variable name. */
export type KeySource = { kind: 'file'; path: string } | { kind: 'env'; name: string };

/** Parses the stored form `file:<path>` or `env:<NAME>`. */
export function parseKeySource(text: string): KeySource {
  if (text.startsWith('file:')) return { kind: 'file', path: text.slice(5) };
  if (text.startsWith('env:')) return { kind: 'env', name: text.slice(4) };
  throw new LinkageError(`key source "${text}": expected file:<path> or env:<NAME>`);
}

/** The stored form of a key source. */
export function formatKeySource(source: KeySource): string {
  return source.kind === 'file' ? `file:${source.path}` : `env:${source.name}`;
}

/** Reads every key generation of a source, oldest first. */
export async function readKeys(source: KeySource): Promise<Buffer[]> {
  let text: string;
  let where: string;
  if (source.kind === 'file') {
    where = `key file ${source.path}`;
    if (!existsSync(source.path)) throw new LinkageError(`${where} does not exist`);
    text = await readFile(source.path, 'utf8');
  } else {
    where = `environment variable ${source.name}`;
    const value = process.env[source.name];
    if (!value) throw new LinkageError(`${where} is not set (expected hex keys separated by commas)`);
    text = value.replaceAll(',', '\n');
  }
  const keys = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line, i) => {
      if (!/^[0-9a-fA-F]{32,128}$/.test(line) || line.length % 2 !== 0)
        throw new LinkageError(`${where}, key ${i + 1}: expected 32 to 128 hex digits (16 to 64 bytes)`);
      return Buffer.from(line, 'hex');
    });
  if (keys.length === 0) throw new LinkageError(`${where} holds no key`);
  return keys;
}

/** A fresh 256-bit key as hex. */
export function newKeyHex(): string {
  return randomBytes(32).toString('hex');
}

/** Creates a key file with one fresh key, readable by its owner only; refuses to overwrite one. */
export async function createKeyFile(path: string): Promise<void> {
  if (existsSync(path)) throw new LinkageError(`key file ${path} exists already; udc never overwrites a key`);
  await writeFile(
    path,
    `# udc linkage keys, oldest first; keep this file outside the database\n${newKeyHex()}\n`,
    {
      mode: 0o600,
    },
  );
  await chmod(path, 0o600);
}

/** Appends a fresh key to a key file (rotation). Environment keys are rotated by their owner. */
export async function appendKey(source: KeySource): Promise<void> {
  if (source.kind !== 'file')
    throw new LinkageError(
      `keys in environment variable ${source.name} are rotated by appending a new hex key to it (",<key>"); then run \`udc linkage rekey\``,
    );
  const text = await readFile(source.path, 'utf8');
  await writeFile(source.path, `${text.endsWith('\n') ? text : `${text}\n`}${newKeyHex()}\n`, {
    mode: 0o600,
  });
}

/** A key's fingerprint: an HMAC of a fixed text, which identifies the key without revealing it. */
export function fingerprint(key: Buffer): string {
  const value = new KeyedHash(key).text('udc-linkage-key-fingerprint');
  return BigInt.asUintN(64, value).toString(16).padStart(16, '0');
}

let selfTested = false;

/**
 * The pseudonym function of one key generation: the chain through keys 1..generation. `text`
 * hashes a value (a BSN, or a field value with its field name) into the generation's pseudonym;
 * `step` moves a pseudonym of generation g-1 to generation g (re-keying, no BSN involved).
 */
export class Pseudonymiser {
  private readonly hashes: KeyedHash[];
  constructor(
    private readonly keys: readonly Buffer[],
    readonly generation: number = keys.length,
  ) {
    if (!selfTested) {
      selfTest();
      selfTested = true;
    }
    if (generation < 1 || generation > keys.length)
      throw new LinkageError(
        `key generation ${generation} is not in the key source (it holds ${keys.length})`,
      );
    this.hashes = keys.slice(0, generation).map((k) => new KeyedHash(k));
  }

  /** The pseudonym of a value at this generation. */
  text(value: string): bigint {
    let p = this.hashes[0]!.text(value);
    for (let g = 1; g < this.hashes.length; g++) p = this.hashes[g]!.int64(p);
    return p;
  }

  private batchPseudonymiser: BatchPseudonymiser | undefined;

  /** Pseudonyms of many BSNs at once, at this generation (made on first use; one per thread). */
  get batch(): BatchPseudonymiser {
    this.batchPseudonymiser ??= new BatchPseudonymiser(this.keys, this.generation);
    return this.batchPseudonymiser;
  }

  /** A pseudonym of the previous generation moved to this one. */
  step(previous: bigint): bigint {
    return this.hashes[this.hashes.length - 1]!.int64(previous);
  }
}

let batchSelfTested = false;

/**
 * Pseudonyms of many BSNs at once through the key chain (see hmac-batch.ts): the caller writes BSN
 * i's nine digits at `messages[i * 16]`, calls `hash(count)` and reads the pseudonym's halves from
 * `hi[i]` and `lo[i]` (signed 32-bit; the same value `Pseudonymiser.text` gives). Not thread-safe.
 */
export class BatchPseudonymiser {
  private readonly hashes: BatchHash;
  readonly capacity: number;
  readonly messages: Uint8Array;
  readonly hi: Int32Array;
  readonly lo: Int32Array;

  constructor(
    keys: readonly Buffer[],
    private readonly generation: number,
  ) {
    if (!batchSelfTested) {
      batchSelfTest();
      batchSelfTested = true;
    }
    this.hashes = new BatchHash(keys.slice(0, generation));
    this.capacity = this.hashes.capacity;
    this.messages = this.hashes.messages;
    this.hi = this.hashes.hi;
    this.lo = this.hashes.lo;
  }

  hash(count: number): void {
    const { messages, hi, lo } = this;
    this.hashes.hash(count, 9, 0);
    // Each later generation hashes the 8 big-endian bytes of the previous pseudonym.
    for (let g = 1; g < this.generation; g++) {
      for (let i = 0; i < count; i++) {
        const at = i * 16;
        const h = hi[i]!;
        const l = lo[i]!;
        messages[at] = h >>> 24;
        messages[at + 1] = (h >>> 16) & 255;
        messages[at + 2] = (h >>> 8) & 255;
        messages[at + 3] = h & 255;
        messages[at + 4] = l >>> 24;
        messages[at + 5] = (l >>> 16) & 255;
        messages[at + 6] = (l >>> 8) & 255;
        messages[at + 7] = l & 255;
      }
      this.hashes.hash(count, 8, g);
    }
  }
}
