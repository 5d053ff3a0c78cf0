// A very small WebAssembly emitter: just enough to write one function that works on an imported
// memory with 128-bit SIMD. It exists so the batch HMAC (hmac-batch.ts) can be generated from
// TypeScript at module load: no toolchain, no build step, no binary blob in the repository. Opcode
// numbers are those of the WebAssembly core specification and its SIMD binary encoding
// (proposals/simd/BinarySIMD.md); WebAssembly.validate checks the result before it is used.

/** Plain (one-byte) opcodes. */
export const Op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32ShrU: 0x76,
} as const;

/** SIMD opcodes: written after the 0xfd prefix as unsigned LEB128. */
export const Simd = {
  v128Load: 0x00,
  v128Store: 0x0b,
  v128Const: 0x0c,
  i8x16Shuffle: 0x0d,
  v128And: 0x4e,
  v128Or: 0x50,
  v128Xor: 0x51,
  v128Bitselect: 0x52,
  i32x4Shl: 0xab,
  i32x4ShrU: 0xad,
  i32x4Add: 0xae,
} as const;

export const Type = { i32: 0x7f, v128: 0x7b, func: 0x60, void: 0x40 } as const;

const SIMD_PREFIX = 0xfd;
const Section = { type: 1, import: 2, function: 3, export: 7, code: 10 } as const;
const ExternalKind = { function: 0x00, memory: 0x02 } as const;

/** Unsigned LEB128 (sizes, indices, opcodes after the prefix, memory offsets). */
export function unsigned(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (i32.const). */
export function signed(n: number): number[] {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...unsigned(bytes.length), ...bytes];
}

function vector(items: number[][]): number[] {
  return [...unsigned(items.length), ...items.flat()];
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsigned(content.length), ...content];
}

/** A function body being written, instruction by instruction. */
export class Code {
  readonly bytes: number[] = [];

  op(code: number, ...immediates: number[]): this {
    this.bytes.push(code, ...immediates);
    return this;
  }
  simd(code: number, ...immediates: number[]): this {
    this.bytes.push(SIMD_PREFIX, ...unsigned(code), ...immediates);
    return this;
  }
  get(local: number): this {
    return this.op(Op.localGet, ...unsigned(local));
  }
  set(local: number): this {
    return this.op(Op.localSet, ...unsigned(local));
  }
  tee(local: number): this {
    return this.op(Op.localTee, ...unsigned(local));
  }
  i32(value: number): this {
    return this.op(Op.i32Const, ...signed(value));
  }
  /** v128.load from (address on the stack) + offset; 16-byte alignment hint (2^4). */
  load(offset: number): this {
    return this.simd(Simd.v128Load, 4, ...unsigned(offset));
  }
  store(offset: number): this {
    return this.simd(Simd.v128Store, 4, ...unsigned(offset));
  }
  /** A v128 constant with the same 32-bit value in all four lanes. */
  splat(value: number): this {
    const lane = [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
    return this.simd(Simd.v128Const, ...lane, ...lane, ...lane, ...lane);
  }
  shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16) throw new Error('i8x16.shuffle takes 16 lane indices');
    return this.simd(Simd.i8x16Shuffle, ...lanes);
  }
}

export interface FunctionSpec {
  /** The export name. */
  name: string;
  params: number[];
  /** Local types after the parameters, in index order. */
  locals: number[];
  code: Code;
}

/**
 * A module importing its memory as env.memory (so each instance gets a memory sized for it) and
 * exporting one function without results.
 */
export function functionModule(spec: FunctionSpec): Uint8Array<ArrayBuffer> {
  const type = [Type.func, ...vector(spec.params.map((t) => [t])), ...vector([])];
  const memory = [...name('env'), ...name('memory'), ExternalKind.memory, 0x00, ...unsigned(1)];
  // Locals are declared as runs of one type.
  const runs: number[][] = [];
  for (let i = 0; i < spec.locals.length;) {
    let j = i;
    while (j < spec.locals.length && spec.locals[j] === spec.locals[i]) j++;
    runs.push([...unsigned(j - i), spec.locals[i]!]);
    i = j;
  }
  const body = [...vector(runs), ...spec.code.bytes, Op.end];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d], // "\0asm"
    ...[0x01, 0x00, 0x00, 0x00], // version 1
    ...section(Section.type, vector([type])),
    ...section(Section.import, vector([memory])),
    ...section(Section.function, vector([unsigned(0)])),
    ...section(Section.export, vector([[...name(spec.name), ExternalKind.function, ...unsigned(0)]])),
    ...section(Section.code, vector([[...unsigned(body.length), ...body]])),
  ]);
}
