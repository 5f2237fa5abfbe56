/**
 * `faultline/docker`: a database from your own container image — a build context with a
 * Dockerfile (`FROM debian:bookworm-slim` where no registry is reachable) or an image name — and
 * the command each node runs. Kill, pause, partitions, packet loss, logs and cleanup work on it
 * as on the built-in databases; clock skew too when the image has libfaketime.
 */
export { containerDatabase } from '../docker/container/container-database.ts';
export type { ContainerSpec, ReadyProbe } from '../docker/container/container-spec.ts';
// What the built-in single-server databases (PostgreSQL, MariaDB) are made of, for a database
// that wants more than containerDatabase gives: the lifecycle of one server process in a node,
// and a base class for a database whose every node is one independent server.
export { ServerProcess } from '../docker/server-process.ts';
export type { ServerProcessSpec } from '../docker/server-process.ts';
export { SingleServerDatabase } from '../docker/single-server-database.ts';
export type { SingleServerOptions } from '../docker/single-server-database.ts';
