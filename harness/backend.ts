import type { Cluster } from './cluster.ts';
import type { FullDatabase } from './database.ts';
import type { Logger } from './logger.ts';

export interface ClusterRequest {
  /** Unique per run; every container and network the run creates carries it as a label. */
  readonly runId: string;
  /** Node count: containers n1…nN. */
  readonly nodes: number;
  readonly db: FullDatabase;
}

/**
 * Where nodes come from. Docker is the first backend; real hosts over SSH or a remote engine
 * implement the same two calls, and nothing above them changes.
 */
export interface Backend {
  readonly name: string;
  /** Makes nodes for `db` possible: the engine runs and the image is built. Idempotent. */
  prepare(db: FullDatabase, log: Logger): Promise<void>;
  /** A fresh cluster. On failure, whatever was created is removed before the error is thrown. */
  createCluster(request: ClusterRequest, log: Logger): Promise<Cluster>;
}
