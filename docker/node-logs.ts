import { join } from 'node:path';
import type { FullDatabase } from '../harness/database.ts';
import type { Cluster } from '../harness/cluster.ts';

/**
 * Copies every node's log files (the database's LogFiles) to `<nodesDir>/<node>/`. Never throws:
 * a run that failed half-way still saves what it can, and each miss comes back as one line
 * ("n3: no /var/log/etcd/etcd.log on n3") for faultline.log.
 */
export async function collectNodeLogs(cluster: Cluster, db: FullDatabase, nodesDir: string): Promise<string[]> {
  const problems: string[] = [];
  await Promise.all(
    cluster.nodes.map(async (node) => {
      for (const path of db.logFiles?.(node.name) ?? []) {
        try {
          await cluster.copyOut(node.name, path, join(nodesDir, node.name));
        } catch (err) {
          problems.push(`${node.name}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }),
  );
  return problems.sort();
}
