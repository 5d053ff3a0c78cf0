// A YAML text parsed with the positions of its nodes, so every problem found in a configuration
// file (indicator library, data centers) can name its line and column. Pure: reading the file is
// the caller's.
import { LineCounter, parseDocument } from 'yaml';

export interface Position {
  line: number;
  column: number;
}

export interface PositionedYaml {
  value: unknown;
  /** Line and column of the node at a path (or of its nearest existing ancestor, else 1:1). */
  position: (path: readonly (string | number)[]) => Position;
}

/** Parses `source`; syntax errors come back as `file: line L, column C: message`. */
export function parseYamlWithPositions(
  source: string,
  file: string,
): { doc: PositionedYaml; problems?: undefined } | { doc?: undefined; problems: string[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    return {
      problems: doc.errors.map((e) => {
        const p = lineCounter.linePos(e.pos[0]);
        return `${file}: line ${p.line}, column ${p.col}: ${e.message.split('\n')[0]}`;
      }),
    };
  }
  return {
    doc: {
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
