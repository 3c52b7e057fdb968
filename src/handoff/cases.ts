// Reading and writing support cases in BacklineStorage (keys: src/handoff/keys.ts). Nothing is
// kept in memory: every instance sees the same queue, and a restart loses nothing.
import { levelRank } from '../contract.js';
import { conversationPrefix, type ConversationKey } from '../conversation/store.js';
import { retryOnConflict, type BacklineStorage, type StoreItem } from '../storage/index.js';
import { CASE_INDEX, caseRecordKey, OPEN_INDEX } from './keys.js';
import { isOpen, type SupportCase } from './types.js';

export interface StoredCase {
  key: string;
  eTag: string;
  supportCase: SupportCase;
}

interface Pointer {
  key: string;
}

const READ_CHUNK = 200;

export function conversationKeyOf(supportCase: Pick<SupportCase, 'channelId' | 'conversationId'>): ConversationKey {
  return { channelId: supportCase.channelId, conversationId: supportCase.conversationId };
}

/** The writes that store a new case and its index entries (pass to storage.write, alone or with others). */
export function caseWrites(supportCase: SupportCase): StoreItem {
  const key = caseRecordKey(conversationKeyOf(supportCase), supportCase.type, supportCase.id);
  return {
    [key]: supportCase,
    [CASE_INDEX + supportCase.id]: { key } satisfies Pointer,
    ...(isOpen(supportCase) ? { [OPEN_INDEX + supportCase.id]: { key } satisfies Pointer } : {}),
  };
}

export async function createCase(storage: BacklineStorage, supportCase: SupportCase): Promise<string> {
  const writes = caseWrites(supportCase);
  await storage.write(writes);
  return caseRecordKey(conversationKeyOf(supportCase), supportCase.type, supportCase.id);
}

async function readMany(storage: BacklineStorage, keys: string[]): Promise<StoreItem> {
  const found: StoreItem = {};
  for (let i = 0; i < keys.length; i += READ_CHUNK) Object.assign(found, await storage.read(keys.slice(i, i + READ_CHUNK)));
  return found;
}

function storedCaseOf(key: string, item: unknown): StoredCase | undefined {
  const value = item as (SupportCase & { eTag?: string }) | undefined;
  if (!value || typeof value.id !== 'string' || typeof value.status !== 'string') return undefined;
  const { eTag, ...supportCase } = value;
  return { key, eTag: eTag ?? '', supportCase: supportCase as SupportCase };
}

export async function findCase(storage: BacklineStorage, id: string): Promise<StoredCase | undefined> {
  const pointerKey = CASE_INDEX + id;
  const pointer = (await storage.read([pointerKey]))[pointerKey] as Pointer | undefined;
  if (!pointer?.key) return undefined;
  const found = storedCaseOf(pointer.key, (await storage.read([pointer.key]))[pointer.key]);
  return found?.supportCase.id === id ? found : undefined;
}

/** Waiting and live cases. Index entries whose case is gone or closed are removed on the way. */
export async function listOpenCases(storage: BacklineStorage): Promise<StoredCase[]> {
  const indexKeys = await storage.listKeys(OPEN_INDEX);
  if (indexKeys.length === 0) return [];
  const pointers = await readMany(storage, indexKeys);
  const recordKeys = indexKeys.map((k) => (pointers[k] as Pointer | undefined)?.key).filter((k): k is string => typeof k === 'string');
  const records = await readMany(storage, recordKeys);
  const open: StoredCase[] = [];
  const stale: string[] = [];
  for (const indexKey of indexKeys) {
    const recordKey = (pointers[indexKey] as Pointer | undefined)?.key;
    const found = recordKey ? storedCaseOf(recordKey, records[recordKey]) : undefined;
    if (found && isOpen(found.supportCase)) open.push(found);
    else stale.push(indexKey);
  }
  if (stale.length > 0) await storage.delete(stale);
  return open;
}

export class CaseNotFoundError extends Error {
  override readonly name = 'CaseNotFoundError';
}

/**
 * Changes a case with an eTag check, re-reading and re-applying on a race. `change` returns the
 * new case, or undefined to leave it as it is. A case that is no longer open leaves the queue.
 */
export async function updateCase(
  storage: BacklineStorage,
  id: string,
  change: (current: SupportCase) => SupportCase | undefined,
): Promise<{ before: SupportCase; after: SupportCase; changed: boolean }> {
  const result = await retryOnConflict(async () => {
    const stored = await findCase(storage, id);
    if (!stored) throw new CaseNotFoundError(id);
    const next = change(structuredClone(stored.supportCase));
    if (!next) return { before: stored.supportCase, after: stored.supportCase, changed: false };
    await storage.write({ [stored.key]: { ...next, eTag: stored.eTag } });
    return { before: stored.supportCase, after: next, changed: true };
  });
  if (result.changed && !isOpen(result.after)) await storage.delete([OPEN_INDEX + id]);
  return result;
}

/**
 * Removes this conversation's cases from the indexes ("forget me"); the caller then deletes the
 * conversation's prefix, which holds the cases themselves. Returns the case ids.
 */
async function caseRecordKeys(storage: BacklineStorage, key: ConversationKey): Promise<{ cases: string[]; leads: string[] }> {
  const prefix = conversationPrefix(key);
  return { cases: await storage.listKeys(`${prefix}case/`), leads: await storage.listKeys(`${prefix}lead/`) };
}

/** How many support cases and trial leads this conversation has (for "forget me" to say what it deletes). */
export async function countCaseRecords(storage: BacklineStorage, key: ConversationKey): Promise<{ cases: number; leads: number }> {
  const { cases, leads } = await caseRecordKeys(storage, key);
  return { cases: cases.length, leads: leads.length };
}

export async function forgetCases(storage: BacklineStorage, key: ConversationKey): Promise<string[]> {
  const { cases, leads } = await caseRecordKeys(storage, key);
  const recordKeys = [...cases, ...leads];
  const ids = recordKeys.map((k) => k.slice(k.lastIndexOf('/') + 1));
  if (ids.length > 0) await storage.delete(ids.flatMap((id) => [OPEN_INDEX + id, CASE_INDEX + id]));
  return ids;
}

const TYPE_ORDER = { chat: 0, callback: 1, trial_lead: 2 } as const;
const NO_LEVEL = 99;

/** Most urgent first: a crisis, then triage level, then live chats before call-backs and leads, then longest waiting. */
export function compareByUrgency(a: SupportCase, b: SupportCase): number {
  const rank = (c: SupportCase) => (c.level ? levelRank(c.level) : NO_LEVEL);
  const crisis = (c: SupportCase) => (c.crisis ? 0 : 1);
  return (
    crisis(a) - crisis(b) || rank(a) - rank(b) || TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)
  );
}

/** 1-based place among waiting chats, in the order the console shows them; 0 if not waiting. */
export function queuePosition(open: SupportCase[], id: string): number {
  const waiting = open.filter((c) => c.type === 'chat' && c.status === 'waiting' && c.mode === 'console').sort(compareByUrgency);
  return waiting.findIndex((c) => c.id === id) + 1;
}

/** Every case still stored (open or not), via the all-cases index; for the console's history. */
export async function listAllCases(storage: BacklineStorage): Promise<SupportCase[]> {
  const indexKeys = await storage.listKeys(CASE_INDEX);
  if (indexKeys.length === 0) return [];
  const pointers = await readMany(storage, indexKeys);
  const recordKeys = indexKeys.map((k) => (pointers[k] as Pointer | undefined)?.key).filter((k): k is string => typeof k === 'string');
  const records = await readMany(storage, recordKeys);
  return recordKeys.map((k) => storedCaseOf(k, records[k])?.supportCase).filter((c): c is SupportCase => !!c);
}
