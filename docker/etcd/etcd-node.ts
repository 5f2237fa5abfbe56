import type { NodeInfo } from '../../harness/cluster.ts';

/** etcd's client port on every node. */
export const CLIENT_PORT = 2379;
export const PEER_PORT = 2380;

/** A node's client URL (`http://10.213.x.11:2379`): for the lifecycle's health checks and for clients. */
export function clientUrl(node: NodeInfo): string {
  return `http://${node.ip}:${CLIENT_PORT}`;
}
