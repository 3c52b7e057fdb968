// The audit log: which team member looked at which case's transcript, and when. Ids and times
// only, never message text. Case ids are opaque, so an entry says nothing about the person and
// stays meaningful after "forget me" has erased the case.
import { randomBytes } from 'node:crypto';
import type { BacklineStorage } from '../storage/index.js';
import { AUDIT_PREFIX, timeKey } from './keys.js';

export type AuditAction = 'view_transcript';

export interface AuditEntry {
  at: string;
  agent: string;
  case: string;
  action: AuditAction;
}

export async function writeAudit(storage: BacklineStorage, entry: Omit<AuditEntry, 'at'>, now: number = Date.now()): Promise<void> {
  const item: AuditEntry = { at: new Date(now).toISOString(), ...entry };
  await storage.write({ [`${AUDIT_PREFIX}${timeKey(now, randomBytes(4).toString('hex'))}`]: item });
}

/** The newest entries first (for tests and an admin export). */
export async function readAudit(storage: BacklineStorage, limit = 100): Promise<AuditEntry[]> {
  const keys = (await storage.listKeys(AUDIT_PREFIX)).slice(-limit).reverse();
  if (keys.length === 0) return [];
  const found = await storage.read(keys);
  return keys.map((k) => found[k] as (AuditEntry & { eTag?: string }) | undefined).filter((e): e is AuditEntry => !!e).map(({ at, agent, case: id, action }) => ({ at, agent, case: id, action }));
}
