// When the state cannot be saved (every write conflicts, or the store fails), the person still
// gets any urgent advice the turn decided on, then the error note; nothing else of the turn.
import { describe, expect, it } from 'vitest';
import { InMemoryStorage, StorageConflictError, type StoreItem } from '../../src/storage/index.js';
import { Chat, dataOf, testBackline } from '../helpers/backline.js';

/** A store whose writes always fail: by losing every eTag race, or with an I/O error; or that cannot even be read. */
class FailingStorage extends InMemoryStorage {
  writes = 0;
  constructor(private readonly failure: 'conflict' | 'error' | 'unreadable') {
    super();
  }

  override async read(keys: string[]): Promise<StoreItem> {
    if (this.failure === 'unreadable') throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
    return super.read(keys);
  }

  override async write(changes: StoreItem): Promise<void> {
    this.writes++;
    if (this.failure === 'conflict') throw new StorageConflictError(Object.keys(changes)[0] ?? 'key');
    throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
  }
}

const RED_FLAG = "i can't feel my bum when i wipe and i wet myself";

describe.each(['conflict', 'error', 'unreadable'] as const)('every save fails (%s)', (failure) => {
  it('a warning sign still gets the urgent advice, then the error note', async () => {
    const storage = new FailingStorage(failure);
    const backline = testBackline({ EMERGENCY_NUMBER: '112' }, storage);
    try {
      const c = new Chat(backline);
      const sent = await c.say(RED_FLAG);
      if (failure !== 'unreadable') expect(storage.writes).toBeGreaterThan(failure === 'conflict' ? 1 : 0);
      const urgentAt = sent.findIndex((a) => dataOf(a)?.urgent);
      expect(urgentAt).toBe(0);
      expect(dataOf(sent[0]!)?.triage?.level).toBe('emergency');
      expect(sent[0]!.text).toMatch(/112/);
      expect(sent.at(-1)!.text).toMatch(/something went wrong on my side/i);
      // Only the urgent advice and the note: no buttons for a state that was never saved.
      expect(sent.filter((a) => !dataOf(a)?.urgent).map((a) => a.text)).toEqual([sent.at(-1)!.text]);
    } finally {
      await backline.close();
    }
  });

  it('an ordinary message gets only the error note', async () => {
    const storage = new FailingStorage(failure);
    const backline = testBackline({}, storage);
    try {
      const sent = await new Chat(backline).say('what is sciatica');
      expect(sent.map((a) => a.text)).toEqual([expect.stringMatching(/something went wrong on my side/i)]);
    } finally {
      await backline.close();
    }
  });
});
