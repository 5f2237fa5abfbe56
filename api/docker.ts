/**
 * `faultline/docker`: a database from your own container image — a build context with a
 * Dockerfile (`FROM debian:bookworm-slim` where no registry is reachable) or an image name — and
 * the command each node runs. Kill, pause, partitions, packet loss, logs and cleanup work on it
 * as on the built-in databases; clock skew too when the image has libfaketime.
 */
export { containerDatabase } from '../docker/container/container-database.ts';
export type { ContainerSpec, ReadyProbe } from '../docker/container/container-spec.ts';
