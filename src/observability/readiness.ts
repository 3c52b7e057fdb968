// GET /readyz: may this instance take traffic? Storage reachable, its schema the one this
// version expects, and the NLU warmed up (the answer recognizers build in the background after
// the server starts listening). /healthz says only "the process is alive".
import type { BacklineStorage } from '../storage/index.js';

export interface SchemaStatus {
  current: boolean;
  /** Why not, in a few words (no data), e.g. "migration 3 of 4 not applied". */
  reason?: string;
}

/**
 * A storage that can tell whether its schema is current (PostgreSQL: all migrations applied).
 * SQLite and memory storage create their table at open, so they have no such method and count
 * as current. The PostgreSQL storage implements `schemaStatus()` and /readyz picks it up.
 */
export interface SchemaAwareStorage {
  schemaStatus(): Promise<SchemaStatus>;
}

function isSchemaAware(storage: unknown): storage is SchemaAwareStorage {
  return typeof (storage as Partial<SchemaAwareStorage>).schemaStatus === 'function';
}

export interface ReadinessReport {
  ready: boolean;
  checks: { storage: 'ok' | 'unreachable'; schema: 'current' | 'outdated' | 'unknown'; nlu: 'warm' | 'warming' };
  reasons: string[];
}

/** Checks a storage key nobody writes: a read proves the store answers. */
const PROBE_KEY = 'readyz';
const CHECK_TIMEOUT_MS = 2000;

export class Readiness {
  private nluWarm: boolean;

  constructor(
    private readonly storage: BacklineStorage,
    options: { nluWarm?: boolean } = {},
  ) {
    this.nluWarm = options.nluWarm ?? false;
  }

  /** The answer recognizers are built: turns run at full speed from now on. */
  markNluWarm(): void {
    this.nluWarm = true;
  }

  async check(): Promise<ReadinessReport> {
    const reasons: string[] = [];
    let storage: ReadinessReport['checks']['storage'] = 'ok';
    let schema: ReadinessReport['checks']['schema'] = 'unknown';
    try {
      await withTimeout(this.storage.read([PROBE_KEY]));
      const status = isSchemaAware(this.storage) ? await withTimeout(this.storage.schemaStatus()) : { current: true };
      schema = status.current ? 'current' : 'outdated';
      if (!status.current) reasons.push(`storage schema is not current${status.reason ? `: ${status.reason}` : ''}`);
    } catch {
      storage = 'unreachable';
      reasons.push('storage is unreachable');
    }
    if (!this.nluWarm) reasons.push('the NLU is still warming up');
    return { ready: reasons.length === 0, checks: { storage, schema, nlu: this.nluWarm ? 'warm' : 'warming' }, reasons };
  }
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
