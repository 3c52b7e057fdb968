// A change bus: "something under this topic changed" (a conversation id for the Direct Line
// streams, nothing for the agent console), never the change itself: listeners read what changed
// from storage. In one process (SQLite) an EventEmitter; across instances (PostgreSQL)
// LISTEN/NOTIFY on one channel, so a WebSocket or console on any instance hears every change.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { Logger } from '../logger.js';
import { errorName } from '../util/errors.js';

export type ChangeTopic = 'directline' | 'console';
export type ChangeHandler = (subject: string) => void;

export interface ChangeBus {
  /** Tells this instance's subscribers now, and every other instance's soon after. */
  publish(topic: ChangeTopic, subject: string): void;
  subscribe(topic: ChangeTopic, handler: ChangeHandler): () => void;
  /** Whether other instances are reached (false: this process only). */
  readonly shared: boolean;
  close(): Promise<void>;
}

export class InProcessChangeBus implements ChangeBus {
  readonly shared: boolean = false;
  protected readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(topic: ChangeTopic, subject: string): void {
    this.deliver(topic, subject);
  }

  subscribe(topic: ChangeTopic, handler: ChangeHandler): () => void {
    const listener = (subject: string) => {
      try {
        handler(subject);
      } catch {
        // One broken listener must not stop the others.
      }
    };
    this.emitter.on(topic, listener);
    return () => this.emitter.off(topic, listener);
  }

  protected deliver(topic: ChangeTopic, subject: string): void {
    this.emitter.emit(topic, subject);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

const CHANNEL = 'backline_changes';
const RECONNECT_MS = 1000;
/** NOTIFY payloads are limited to 8000 bytes; subjects are ids, far below. */
const MAX_SUBJECT_CHARS = 1000;

interface Notice {
  /** The publishing instance: it has told its own subscribers already. */
  i: string;
  t: ChangeTopic;
  s: string;
}

/**
 * LISTEN/NOTIFY over one dedicated connection (NOTIFY is sent through the pool). A notification
 * is delivered only to sessions listening when its transaction commits, so after the listening
 * connection drops and comes back, every subscriber is told "resync" (subject '*'): streams pump
 * from their watermark, consoles reload.
 */
export class PostgresChangeBus extends InProcessChangeBus {
  override readonly shared = true;
  private readonly instanceId = randomBytes(6).toString('hex');
  private listener: pg.PoolClient | undefined;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
  ) {
    super();
  }

  static async start(pool: pg.Pool, logger: Logger): Promise<PostgresChangeBus> {
    const bus = new PostgresChangeBus(pool, logger);
    await bus.listen();
    return bus;
  }

  override publish(topic: ChangeTopic, subject: string): void {
    this.deliver(topic, subject);
    if (this.closed) return;
    const notice: Notice = { i: this.instanceId, t: topic, s: subject.slice(0, MAX_SUBJECT_CHARS) };
    this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(notice)]).catch((error: unknown) => {
      this.logger.warn('change_bus_notify_failed', { error: errorName(error) });
    });
  }

  override async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.listener;
    this.listener = undefined;
    if (client) {
      await client.query(`UNLISTEN ${CHANNEL}`).catch(() => {});
      client.release();
    }
    await super.close();
  }

  private async listen(): Promise<void> {
    const client = await this.pool.connect();
    client.on('notification', (message) => this.onNotification(message.payload));
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      // Connected but not listening (the server went away in between): give the connection back
      // broken, and let the caller try again.
      client.release(true);
      throw error;
    }
    this.listener = client;
  }

  private onNotification(payload: string | undefined): void {
    if (!payload) return;
    let notice: Notice;
    try {
      notice = JSON.parse(payload) as Notice;
    } catch {
      return;
    }
    if (notice.i === this.instanceId || (notice.t !== 'directline' && notice.t !== 'console') || typeof notice.s !== 'string') return;
    this.deliver(notice.t, notice.s);
  }

  private lost(client: pg.PoolClient): void {
    if (this.listener !== client || this.closed) return;
    this.listener = undefined;
    client.release(true);
    this.logger.warn('change_bus_connection_lost', {});
    const retry = () => {
      this.reconnectTimer = undefined;
      if (this.closed) return;
      this.listen()
        .then(() => {
          // Changes published while we were not listening are gone: everyone resyncs.
          this.deliver('directline', '*');
          this.deliver('console', '*');
        })
        .catch(() => {
          this.reconnectTimer = setTimeout(retry, RECONNECT_MS);
          this.reconnectTimer.unref();
        });
    };
    retry();
  }
}
