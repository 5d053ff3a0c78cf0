// The audit log: every import, query, link, export, key use and refusal in the linkage zone, one
// row each, append-only. Each row carries the hash of the row before it and its own hash over
// that and its content, so changing, inserting or deleting a row breaks the chain from there on
// and `verifyAudit` names the first row that does not fit. (Cutting rows off the end leaves a
// valid shorter chain: keep the latest hash that `udc audit verify` prints somewhere else.)
import { createHash } from 'node:crypto';
import type { Store } from '../store/index.js';

export type AuditOutcome = 'ok' | 'refused' | 'failed';

/** What happened, by whom, in which project. `detail` must never hold a BSN (callers mask). */
export interface AuditEvent {
  actor: string;
  project: string | null;
  action: string;
  object?: string | null;
  outcome: AuditOutcome;
  detail?: Record<string, unknown>;
}

/** One stored row of the log. */
export type AuditEntry = {
  seq: number;
  logged_at: string;
  actor: string;
  project: string | null;
  action: string;
  object: string | null;
  outcome: AuditOutcome;
  detail: string;
  previous_hash: string;
  hash: string;
};

const GENESIS = '0'.repeat(64);

/** The hash of a row: SHA-256 over the previous hash and the row's content in a fixed order. */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const content = JSON.stringify([
    entry.seq,
    entry.logged_at,
    entry.actor,
    entry.project,
    entry.action,
    entry.object,
    entry.outcome,
    entry.detail,
  ]);
  return createHash('sha256').update(entry.previous_hash).update('\n').update(content).digest('hex');
}

/**
 * Appends one event to the log and returns it. Runs in its own transaction, so a refusal is
 * logged even when the caller's work then fails; two writers cannot fork the chain (seq is the
 * primary key: the loser of a race retries).
 */
export async function appendAudit(store: Store, event: AuditEvent): Promise<AuditEntry> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await store.transaction(async (tx) => {
        const last = await tx.one<{ seq: number; hash: string }>(
          'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
        );
        const base = {
          seq: (last?.seq ?? 0) + 1,
          logged_at: new Date().toISOString(),
          actor: event.actor,
          project: event.project,
          action: event.action,
          object: event.object ?? null,
          outcome: event.outcome,
          detail: JSON.stringify(event.detail ?? {}),
          previous_hash: last?.hash ?? GENESIS,
        };
        const entry: AuditEntry = { ...base, hash: entryHash(base) };
        await tx.run(
          `INSERT INTO audit_log (seq, logged_at, actor, project, action, object, outcome, detail, previous_hash, hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            entry.seq,
            entry.logged_at,
            entry.actor,
            entry.project,
            entry.action,
            entry.object,
            entry.outcome,
            entry.detail,
            entry.previous_hash,
            entry.hash,
          ],
        );
        return entry;
      });
    } catch (error) {
      if (attempt < 5 && /constraint|conflict/i.test((error as Error).message)) continue;
      throw error;
    }
  }
}

/** The log, newest last, optionally of one project and only the last `limit` rows. */
export async function listAudit(
  store: Store,
  options: { project?: string; limit?: number } = {},
): Promise<AuditEntry[]> {
  const limit = options.limit ?? 1_000_000;
  const rows = await store.all<AuditEntry>(
    `SELECT * FROM (
       SELECT * FROM audit_log WHERE $1::VARCHAR IS NULL OR project = $1 ORDER BY seq DESC LIMIT $2
     ) ORDER BY seq`,
    [options.project ?? null, limit],
  );
  return rows;
}

/** The verdict on the chain. */
export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** The hash of the last row: keep it elsewhere to detect rows cut off the end. */
  head: string;
  /** The first row that does not fit, and why. */
  broken?: { seq: number; reason: string };
}

/** Recomputes the whole chain; names the first row whose content, link or number is wrong. */
export async function verifyAudit(store: Store): Promise<AuditVerification> {
  const rows = await store.all<AuditEntry>('SELECT * FROM audit_log ORDER BY seq');
  let previous = GENESIS;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const fail = (reason: string): AuditVerification => ({
      ok: false,
      entries: rows.length,
      head: rows[rows.length - 1]!.hash,
      broken: { seq: row.seq, reason },
    });
    if (row.seq !== i + 1) return fail(`expected row number ${i + 1}: a row was deleted or inserted`);
    if (row.previous_hash !== previous)
      return fail(
        'its previous hash is not the hash of the row before it (a row before it was changed or removed)',
      );
    if (entryHash(row) !== row.hash) return fail('its content does not match its hash (the row was changed)');
    previous = row.hash;
  }
  return { ok: true, entries: rows.length, head: previous };
}
