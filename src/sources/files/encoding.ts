import { createReadStream, createWriteStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import { FileImportError } from './errors.js';

export type TextEncoding = 'utf-8' | 'windows-1252';

/**
 * Decides a text file's encoding by reading it once: valid UTF-8 (with or without BOM) is UTF-8;
 * bytes that are not UTF-8 in a file with no valid multi-byte UTF-8 sequence before them are
 * Windows-1252 (what Excel on Windows writes); invalid bytes after valid UTF-8 text mean a broken
 * UTF-8 file, reported with its line.
 */
export async function detectEncoding(file: string, stated?: TextEncoding): Promise<TextEncoding> {
  if (stated === 'windows-1252') return stated;
  let line = 1;
  let sawMultibyte = false;
  let carry = Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { highWaterMark: 8 * 1024 * 1024 })) {
    const data = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    const cut = lastCharBoundary(data);
    const part = data.subarray(0, cut);
    carry = Buffer.from(data.subarray(cut));
    if (!isUtf8(part)) {
      const bad = firstInvalidByte(part);
      const before = part.subarray(0, bad);
      const badLine = line + countNewlines(before);
      if (stated === 'utf-8' || sawMultibyte || hasMultibyte(before)) {
        throw new FileImportError(
          file,
          `invalid UTF-8 at line ${badLine} (byte 0x${part[bad]!.toString(16).padStart(2, '0')}): the file is damaged or mixes encodings`,
          { row: badLine },
        );
      }
      return 'windows-1252';
    }
    sawMultibyte ||= hasMultibyte(part);
    line += countNewlines(part);
  }
  if (carry.length > 0 && !isUtf8(carry)) {
    if (stated === 'utf-8' || sawMultibyte) {
      throw new FileImportError(
        file,
        `invalid UTF-8 at line ${line}: the file ends in the middle of a character`,
        { row: line },
      );
    }
    return 'windows-1252';
  }
  return 'utf-8';
}

/** Writes a UTF-8 copy of a Windows-1252 file, so the engine reads one encoding. */
export async function transcodeToUtf8(file: string, target: string): Promise<void> {
  await pipeline(
    createReadStream(file),
    iconv.decodeStream('win1252'),
    iconv.encodeStream('utf8'),
    createWriteStream(target),
  );
}

/** Index after the last complete UTF-8 character (a split one is carried to the next chunk). */
function lastCharBoundary(data: Buffer): number {
  const i = data.length;
  for (let back = 1; back <= 3 && i - back >= 0; back++) {
    const byte = data[i - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? i - back : i;
  }
  return i;
}

/** Offset of the first byte that breaks UTF-8 (only called once a chunk is known to be invalid). */
function firstInvalidByte(data: Buffer): number {
  let i = 0;
  while (i < data.length) {
    const byte = data[i]!;
    const need =
      byte < 0x80
        ? 0
        : byte >= 0xc2 && byte < 0xe0
          ? 1
          : byte >= 0xe0 && byte < 0xf0
            ? 2
            : byte >= 0xf0 && byte < 0xf5
              ? 3
              : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (((data[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    if (need > 0 && !isUtf8(data.subarray(i, i + need + 1))) return i;
    i += need + 1;
  }
  return data.length;
}

function hasMultibyte(data: Buffer): boolean {
  for (let i = 0; i < data.length; i++) if (data[i]! >= 0x80) return true;
  return false;
}

function countNewlines(data: Buffer): number {
  let n = 0;
  let at = data.indexOf(10);
  while (at !== -1) {
    n++;
    at = data.indexOf(10, at + 1);
  }
  return n;
}
