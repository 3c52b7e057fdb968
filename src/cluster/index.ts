// What several instances must share besides storage, in one place: the change bus, the
// cross-instance turn lock, shared rate-limit counters and the leader for once-per-cluster work.
// SQLite (one process): in-process versions, no extra moving parts. PostgreSQL: the same pool's
// database (plus a small pool of its own for turn locks, so a turn holding a lock connection can
// never starve the storage pool it needs to finish).
import type { Store } from 'express-rate-limit';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { BacklineStorage } from '../storage/index.js';
import { createPool } from '../storage/postgres/pool.js';
import { PostgresStorage } from '../storage/postgres/postgresStorage.js';
import { ADVISORY_LOCKS, assertSchemaCurrent } from '../storage/postgres/schema.js';
import { InProcessChangeBus, PostgresChangeBus, type ChangeBus } from './changeBus.js';
import { AdvisoryLockLeadership, alwaysLeader, type Leadership } from './leader.js';
import { PostgresRateLimitStore } from './rateLimitStore.js';
import { noTurnLock, PostgresTurnLock, type TurnLock } from './turnLock.js';

export interface Cluster {
  bus: ChangeBus;
  turnLock: TurnLock;
  /** A shared store for one rate limiter (keys kept apart by `prefix`); undefined: in memory. */
  rateLimitStore(prefix: string): Store | undefined;
  /** Who runs the retention sweep. */
  sweepLeader: Leadership;
  close(): Promise<void>;
}

export function singleProcessCluster(): Cluster {
  const bus = new InProcessChangeBus();
  return {
    bus,
    turnLock: noTurnLock,
    rateLimitStore: () => undefined,
    sweepLeader: alwaysLeader,
    close: () => bus.close(),
  };
}

/**
 * For PostgresStorage: checks the schema (serve refuses an out-of-date one), then starts
 * LISTEN/NOTIFY. Other storage: single-process versions.
 */
export async function createCluster(config: Config, storage: BacklineStorage, logger: Logger): Promise<Cluster> {
  if (!(storage instanceof PostgresStorage)) return singleProcessCluster();
  const pool = storage.pool;
  await assertSchemaCurrent(pool);
  const lockPool = createPool(config.DATABASE_URL!, { max: config.DATABASE_POOL_MAX });
  const bus = await PostgresChangeBus.start(pool, logger);
  const sweepLeader = new AdvisoryLockLeadership(pool, ADVISORY_LOCKS.retentionLeader);
  return {
    bus,
    turnLock: new PostgresTurnLock(lockPool),
    rateLimitStore: (prefix) => new PostgresRateLimitStore(pool, prefix),
    sweepLeader,
    close: async () => {
      await bus.close();
      await sweepLeader.close();
      await lockPool.end();
    },
  };
}

export { InProcessChangeBus, PostgresChangeBus, type ChangeBus, type ChangeTopic } from './changeBus.js';
export type { TurnLock } from './turnLock.js';
