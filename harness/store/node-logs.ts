import { join } from 'node:path';
import { errorText } from '../errors.ts';
import type { FullDatabase } from '../database.ts';
import type { Cluster } from '../cluster.ts';

/**
 * Copies every node's log files (the database's LogFiles) into the run folder, `<nodesDir>/<node>/`. Never throws:
 * a run that failed half-way still saves what it can, and each miss comes back as one line
 * ("n3: no /var/log/etcd/etcd.log on n3") for faultline.log.
 */
export async function copyNodeLogs(cluster: Cluster, db: FullDatabase, nodesDir: string): Promise<string[]> {
  const problems: string[] = [];
  await Promise.all(
    cluster.nodes.map(async (node) => {
      for (const path of db.logFiles?.(node.name) ?? []) {
        try {
          await cluster.copyOut(node.name, path, join(nodesDir, node.name));
        } catch (err) {
          problems.push(`${node.name}: ${errorText(err, { name: false })}`);
        }
      }
    }),
  );
  return problems.sort();
}
