// Reading a YAML file with positions, so every problem found in it can name its line and column
// (the same way the indicator library reports its files).
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';

export interface Position {
  line: number;
  column: number;
}

export interface YamlFile {
  file: string;
  value: unknown;
  /** Line and column of the node at a path (or of its nearest existing ancestor). */
  position: (path: readonly (string | number)[]) => Position;
}

/** Reads and parses a YAML file; syntax errors come back as messages with line and column. */
export async function readYamlFile(file: string): Promise<{ doc?: YamlFile; problems: string[] }> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      problems: [
        `${file}: ${code === 'ENOENT' ? 'missing' : `cannot be read (${(error as Error).message})`}`,
      ],
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  if (doc.errors.length)
    return {
      problems: doc.errors.map((e) => {
        const p = lineCounter.linePos(e.pos[0]);
        return `${file}: line ${p.line}, column ${p.col}: ${e.message.split('\n')[0]}`;
      }),
    };
  return {
    problems: [],
    doc: {
      file,
      value: doc.toJS(),
      position: (path) => {
        for (let n = path.length; n >= 0; n--) {
          const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
          if (node && typeof node === 'object' && node.range) {
            const p = lineCounter.linePos(node.range[0]);
            return { line: p.line, column: p.col };
          }
        }
        return { line: 1, column: 1 };
      },
    },
  };
}

/** A problem at a path of a YAML file, as `file: line L, column C: path: message`. */
export function problemAt(doc: YamlFile, path: readonly (string | number)[], message: string): string {
  const p = doc.position(path);
  return `${doc.file}: line ${p.line}, column ${p.column}: ${path.length ? `${path.join('.')}: ` : ''}${message}`;
}

/** Every issue of a failed zod parse as a problem with file, line and column. */
export function zodProblems(doc: YamlFile, error: z.ZodError): string[] {
  return error.issues.map((issue) =>
    problemAt(
      doc,
      issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      issue.message,
    ),
  );
}
