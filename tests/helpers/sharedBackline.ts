// One Backline for a whole conversation test file: made before its tests, closed after them, and
// a fresh conversation with it for each test (`chat()`). Replaces the same set-up that each file
// wrote for itself.
import { afterAll, beforeAll } from 'vitest';
import type { Backline } from '../../src/app.js';
import type { InProcessOptions } from '../../src/channels/inProcess.js';
import { Chat, testBackline } from './backline.js';

export interface SharedBackline {
  /** The file's Backline (only inside a test or a hook: it is made in beforeAll). */
  readonly backline: Backline;
  /** A new conversation, joined (the welcome is in `last`). */
  chat(options?: InProcessOptions): Promise<Chat>;
}

/** Registers the file's beforeAll/afterAll; call once, at the top level of a test file. */
export function useSharedBackline(env: Record<string, string> = {}): SharedBackline {
  let made: Backline | undefined;
  beforeAll(() => {
    made = testBackline(env);
  });
  afterAll(async () => {
    await made?.close();
  });
  const shared: SharedBackline = {
    get backline(): Backline {
      if (!made) throw new Error('the shared Backline is made in beforeAll: use it inside a test or a hook');
      return made;
    },
    chat: (options = {}) => new Chat(shared.backline, options).open(),
  };
  return shared;
}
