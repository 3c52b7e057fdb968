// What a person's Web Chat received, for the message of a failed transcript check: its Direct
// Line socket events (opened with which watermark, closed with which code, each activity set's
// ids and watermark), the activities in Web Chat's store (id, type, sender role) and how many
// bubbles are on screen. Ids, types and numbers only: never message text.
//
// Written for an intermittent failure seen once under full-suite load (a transcript that lacked
// messages an earlier step had seen) and not reproduced locally: if it happens again, the message
// says whether the socket re-opened and from which watermark, whether the page loaded again,
// and whether the activities were missing from Web Chat's store or only from the screen.
import type { BrowserContext, Page } from 'playwright-core';

interface Traced {
  __chatTrace: string[];
  __chatStore?: { getState(): { activities: { id?: string; type: string; from?: { role?: string } }[] } };
}

type CreateStore = ((...args: unknown[]) => Traced['__chatStore']) & { traced?: boolean };

/** Records the trace in every page of `context` (call before the pages open). */
export async function traceWebChat(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as Traced & { WebSocket: typeof WebSocket };
    const started = Date.now();
    const at = () => `+${Date.now() - started}ms`;
    w.__chatTrace = [`page loaded ${new Date(started).toISOString()}`];
    const short = (id: string | undefined) => (id ?? '-').split('|').pop();
    const Original = w.WebSocket;
    const Traced = function (url: string | URL, protocols?: string | string[]) {
      const ws = new Original(url, protocols);
      w.__chatTrace.push(`${at()} socket new watermark=${new URL(String(url)).searchParams.get('watermark') ?? '-'}`);
      ws.addEventListener('open', () => w.__chatTrace.push(`${at()} socket open`));
      ws.addEventListener('close', (event) => w.__chatTrace.push(`${at()} socket close ${event.code}`));
      ws.addEventListener('message', (event) => {
        if (!event.data) return;
        const set = JSON.parse(String(event.data)) as { watermark?: string; activities?: { id?: string; type: string }[] };
        w.__chatTrace.push(`${at()} set watermark=${set.watermark ?? '-'} ${(set.activities ?? []).map((a) => `${short(a.id)}:${a.type}`).join(',')}`);
      });
      return ws;
    } as unknown as typeof WebSocket;
    Object.assign(Traced, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
    w.WebSocket = Traced;
    // Web Chat's bundle assigns window.WebChat; its createStore is wrapped on first read to keep the store.
    let webChat: { createStore?: CreateStore } | undefined;
    Object.defineProperty(window, 'WebChat', {
      configurable: true,
      get: () => {
        const create = webChat?.createStore;
        if (webChat && create && !create.traced) {
          const wrapped: CreateStore = (...args) => (w.__chatStore = create(...args));
          wrapped.traced = true;
          webChat.createStore = wrapped;
        }
        return webChat;
      },
      set: (value: typeof webChat) => {
        webChat = value;
      },
    });
  });
}

/** The trace of `page` as text, for an assertion message. */
export async function webChatTrace(page: Page): Promise<string> {
  return page
    .evaluate(() => {
      const w = window as unknown as Traced;
      const short = (id: string | undefined) => (id ?? '-').split('|').pop();
      const activities = w.__chatStore?.getState().activities.map((a) => `${short(a.id)}:${a.type}:${a.from?.role ?? '-'}`) ?? ['(no store)'];
      const bubbles = document.querySelectorAll('.webchat__basic-transcript .webchat__bubble__content').length;
      return [...(w.__chatTrace ?? ['(no trace)']), `store: ${activities.join(' ')}`, `bubbles on screen: ${bubbles}`].join('\n');
    })
    .catch((error: Error) => `(no trace: ${error.message})`);
}
