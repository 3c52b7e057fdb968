// The audit log: what each team member did in the console, once per action: opened a case's
// transcript, claimed, replied, closed; and every sign-in, successful or not, with the address it
// came from. Ids, times and addresses only, never message text. Case ids are opaque, so an entry
// says nothing about the person and stays meaningful after "forget me" has erased the case.
import { randomBytes } from 'node:crypto';
import type { BacklineStorage } from '../storage/index.js';
import { AUDIT_PREFIX, timeKey } from './keys.js';

export type AuditAction =
  'view_transcript' | 'claim' | 'reply' | 'close' | 'transfer' | 'set_presence' | 'view_history' | 'view_stats' | 'sign_in' | 'sign_in_failed' | 'export_leads';

/** A failed sign-in for a name that is no account: the typed name is not kept (it may be a mistyped password). */
export const UNKNOWN_AGENT = '(unknown)';

export interface AuditEntry {
  at: string;
  /** The team member's id (UNKNOWN_AGENT for a failed sign-in under a name that is no account). */
  agent: string;
  action: AuditAction;
  /** The case acted on, for case actions. */
  case?: string;
  /** The client address, for sign-ins (behind a proxy, see TRUST_PROXY). */
  address?: string;
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
  return keys
    .map((k) => found[k] as (AuditEntry & { eTag?: string }) | undefined)
    .filter((e): e is AuditEntry => !!e)
    .map(({ at, agent, action, case: id, address }) => ({ at, agent, action, ...(id ? { case: id } : {}), ...(address ? { address } : {}) }));
}
