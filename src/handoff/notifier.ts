// Tells open agent consoles that something changed (a new case, a message, a claim). Within one
// process listeners hear at once; across instances sharing a store, each instance watches the
// h/rev item's eTag and tells its own listeners when another instance bumped it. Only the
// listeners (live SSE connections) are per process; what changed is always read from storage.
import { randomBytes } from 'node:crypto';
import type { ChangeBus } from '../cluster/changeBus.js';
import type { Logger } from '../logger.js';
import type { BacklineStorage } from '../storage/index.js';
import { REVISION_KEY } from './keys.js';
import { errorName } from '../util/errors.js';

export type ChangeListener = () => void;

export class ChangeNotifier {
  private readonly listeners = new Set<ChangeListener>();
  private timer: NodeJS.Timeout | undefined;
  private lastSeen: string | undefined;
  private polling = false;
  private closed = false;
  private readonly unsubscribeBus: (() => void) | undefined;

  /**
   * With a shared change bus (PostgreSQL LISTEN/NOTIFY) other instances' changes arrive through
   * it and nothing polls; without one, h/rev is polled every `pollMs`.
   */
  constructor(
    private readonly storage: BacklineStorage,
    private readonly pollMs: number,
    private readonly logger: Logger,
    private readonly bus?: ChangeBus,
  ) {
    this.unsubscribeBus = bus?.shared ? bus.subscribe('console', () => this.emit()) : undefined;
  }

  /** Records a change for every instance and tells this one's listeners now. */
  async changed(): Promise<void> {
    if (this.closed) return;
    try {
      await this.storage.write({ [REVISION_KEY]: { token: randomBytes(6).toString('hex'), at: Date.now() } });
    } catch (error) {
      this.logger.warn('support_notify_failed', { error: errorName(error) });
    }
    if (this.unsubscribeBus) this.bus!.publish('console', '');
    else this.emit();
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    if (!this.timer && !this.closed && !this.unsubscribeBus) {
      this.timer = setInterval(() => void this.poll(), this.pollMs);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  close(): void {
    this.closed = true;
    this.unsubscribeBus?.();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private emit(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // A broken connection's listener must not stop the others.
      }
    }
  }

  private async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      const item = (await this.storage.read([REVISION_KEY]))[REVISION_KEY] as { eTag?: string } | undefined;
      const eTag = item?.eTag;
      if (eTag !== undefined && eTag !== this.lastSeen) {
        // The first look also refreshes: a change may have landed since a console last read.
        this.lastSeen = eTag;
        this.emit();
      }
    } catch {
      // The store may be closing; the next tick tries again.
    } finally {
      this.polling = false;
    }
  }
}
