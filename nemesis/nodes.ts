import type { Cluster } from '../harness/cluster.ts';
import { errorText } from '../harness/errors.ts';

export const nodeNames = (cluster: Pick<Cluster, 'nodes'>): string[] => cluster.nodes.map((n) => n.name);

/**
 * Runs `fn` on `nodes` (default: all) at once and waits for every one, so a failure on one node
 * never leaves the others half-done; then throws one error naming each node that failed.
 */
export async function forEachNode(cluster: Pick<Cluster, 'nodes'>, fn: (node: string) => Promise<void>, nodes: readonly string[] = nodeNames(cluster)): Promise<void> {
  const results = await Promise.allSettled(nodes.map((n) => fn(n)));
  const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [`${nodes[i]}: ${errorText(r.reason, { name: false })}`] : []));
  if (failures.length > 0) throw new Error(failures.join('; '));
}
