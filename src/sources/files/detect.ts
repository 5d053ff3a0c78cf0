import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { FileImportError } from './errors.js';

export const fileFormats = ['csv', 'xlsx', 'geojson', 'parquet'] as const;
export type FileFormat = (typeof fileFormats)[number];

/** The first bytes of a file, read once to decide what it is. */
export async function readHead(file: string, bytes = 65_536): Promise<Buffer> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new FileImportError(
      file,
      error.code === 'ENOENT' ? 'the file does not exist' : `cannot read the file (${error.code})`,
    );
  });
  if (info.isDirectory()) throw new FileImportError(file, 'this is a directory, not a file');
  if (!info.isFile()) throw new FileImportError(file, 'this is not a regular file');
  if (info.size === 0) throw new FileImportError(file, 'the file is empty');
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(bytes, info.size));
    await handle.read(buffer, 0, buffer.length, 0);
    return buffer;
  } finally {
    await handle.close();
  }
}

/** What the bytes say the file is, whatever its name claims. */
export function sniffFormat(head: Buffer): FileFormat | 'zip' | 'json' | 'text' {
  if (head.subarray(0, 4).toString('latin1') === 'PK\x03\x04') return 'zip';
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  const text = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (text.startsWith('{') || text.startsWith('[')) return 'json';
  return 'text';
}

/**
 * Decides the format from the name and checks the content agrees, so an XLSX that is really a
 * CSV (a common export mistake) gets a clear message instead of a zip error.
 */
export function decideFormat(file: string, head: Buffer, stated?: FileFormat): FileFormat {
  const sniffed = sniffFormat(head);
  const byName = formatFromName(file);
  const format = stated ?? byName ?? fromContent(sniffed);
  if (!format)
    throw new FileImportError(
      file,
      `cannot tell the format; name it with --format (${fileFormats.join(', ')})`,
    );
  const agrees =
    (format === 'xlsx' && sniffed === 'zip') ||
    (format === 'parquet' && sniffed === 'parquet') ||
    (format === 'geojson' && sniffed === 'json') ||
    (format === 'csv' && sniffed === 'text');
  if (!agrees) {
    const looksLike =
      sniffed === 'text' ? 'CSV or other text' : sniffed === 'zip' ? 'a zip archive (XLSX?)' : sniffed;
    throw new FileImportError(
      file,
      `this is not a ${format.toUpperCase()} file: its content looks like ${looksLike}` +
        (sniffed === 'text' && format === 'xlsx' ? '; save it as .csv or import it with --format csv' : ''),
    );
  }
  return format;
}

function formatFromName(file: string): FileFormat | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.txt' || ext === '.tsv') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  if (ext === '.geojson' || ext === '.json') return 'geojson';
  if (ext === '.parquet') return 'parquet';
  return undefined;
}

function fromContent(sniffed: ReturnType<typeof sniffFormat>): FileFormat | undefined {
  if (sniffed === 'zip') return 'xlsx';
  if (sniffed === 'json') return 'geojson';
  if (sniffed === 'text') return 'csv';
  return sniffed === 'parquet' ? 'parquet' : undefined;
}
