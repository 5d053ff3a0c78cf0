// A worker thread of `pseudonymiseFile`: receives the plan and the project's keys once, then chunks
// of whole lines; pseudonymises each and writes it as a part of the engine's copy itself, so only
// counts and problem messages go back. Keys and raw lines stay in memory; no BSN is ever written.
import { writeFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { Pseudonymiser } from './keys.js';
import { pseudonymiseChunk, type ChunkPlan } from './pseudonymise-chunk.js';

/** Messages to the worker. */
export type WorkerRequest =
  | { kind: 'init'; plan: ChunkPlan; keys: Uint8Array[]; generation: number }
  /** The import is over: the worker waits for the next one holding no plan and no keys. */
  | { kind: 'forget' }
  | {
      kind: 'chunk';
      seq: number;
      data: ArrayBuffer;
      length: number;
      firstLine: number;
      part: string;
      /** Per categorical output column (text, PC4): whether to count its values (see categories.ts). */
      track: boolean[];
    };

/** Messages from the worker. */
export type WorkerReply =
  | {
      kind: 'done';
      seq: number;
      rows: number;
      problems: string[];
      written: boolean;
      categories: (string[] | null)[];
    }
  | { kind: 'failed'; seq: number; message: string };

let plan: ChunkPlan | undefined;
let pseudonymiser: Pseudonymiser | undefined;
const port = parentPort!;

port.on('message', (request: WorkerRequest) => {
  if (request.kind === 'init') {
    plan = request.plan;
    pseudonymiser = new Pseudonymiser(
      request.keys.map((k) => Buffer.from(k)),
      request.generation,
    );
    return;
  }
  if (request.kind === 'forget') {
    plan = undefined;
    pseudonymiser = undefined;
    return;
  }
  try {
    const result = pseudonymiseChunk(
      plan!,
      pseudonymiser!,
      Buffer.from(request.data, 0, request.length),
      request.firstLine,
      request.track,
    );
    const written = result.output.length > 0;
    if (written) writeFileSync(request.part, result.output, { mode: 0o600 });
    port.postMessage({
      kind: 'done',
      seq: request.seq,
      rows: result.rows,
      problems: result.problems,
      written,
      categories: result.categories,
    } satisfies WorkerReply);
  } catch (error) {
    port.postMessage({
      kind: 'failed',
      seq: request.seq,
      message: (error as Error).message,
    } satisfies WorkerReply);
  }
});
