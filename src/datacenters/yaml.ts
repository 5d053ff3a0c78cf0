// Reading a YAML file with positions, so every problem found in it can name its line and column
// (the same way the indicator library reports its files).
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { parseYamlWithPositions, type PositionedYaml } from '../core/yaml.js';

export type { Position } from '../core/yaml.js';

export interface YamlFile extends PositionedYaml {
  file: string;
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
  const parsed = parseYamlWithPositions(source, file);
  if (!parsed.doc) return { problems: parsed.problems };
  return { problems: [], doc: { file, ...parsed.doc } };
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
