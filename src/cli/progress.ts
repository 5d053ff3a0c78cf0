/**
 * Progress for long work: a redrawn bar on a terminal, plain lines (at most one per step of
 * 10%) when output goes to a file or pipe, so logs stay readable.
 */
export interface Progress {
  /** Sets how far the work is; `total` may be unknown. */
  update(done: number, total?: number): void;
  /** Ends the bar with a final message. */
  finish(message?: string): void;
}

/** A progress reporter writing to `stream` (stderr by default). */
export function progress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = Boolean(stream.isTTY);
  const started = Date.now();
  let lastDraw = 0;
  let lastTenth = -1;
  return {
    update(done, total) {
      const now = Date.now();
      if (tty) {
        if (now - lastDraw < 100) return;
        lastDraw = now;
        const rate = done / Math.max(0.001, (now - started) / 1000);
        const text = total
          ? `${bar(done / total)} ${percent(done / total)} ${format(done)}/${format(total)}`
          : `${format(done)}`;
        stream.write(`\r${label} ${text} (${format(Math.round(rate))}/s)\x1b[K`);
      } else if (total) {
        const tenth = Math.floor((done / total) * 10);
        if (tenth > lastTenth) {
          lastTenth = tenth;
          stream.write(`${label}: ${percent(done / total)} (${format(done)} of ${format(total)})\n`);
        }
      }
    },
    finish(message) {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (tty) stream.write(`\r${label} ${message ?? 'done'} in ${seconds}s\x1b[K\n`);
      else stream.write(`${label}: ${message ?? 'done'} in ${seconds}s\n`);
    },
  };
}

function bar(fraction: number, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

function percent(fraction: number): string {
  return `${Math.floor(Math.min(1, fraction) * 100)}%`.padStart(4);
}

function format(n: number): string {
  return n.toLocaleString('en-US');
}
