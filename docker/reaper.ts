import type Docker from 'dockerode';
import { controllerLiveness, LABEL, thisHost, type Here, type Liveness } from './labels.ts';

export interface ReapOptions {
  /** Remove every run's leftovers, live controllers or not. */
  all?: boolean;
  log?: (line: string) => void;
  here?: Here;
}

export interface ReapReport {
  /** Runs whose containers and networks were removed. */
  removed: string[];
  containers: number;
  networks: number;
  /** Runs left alone, and why. */
  spared: { runId: string; liveness: Liveness }[];
}

interface RunObjects {
  labels: Record<string, string>;
  containers: string[];
  networks: string[];
}

/**
 * Removes the containers and networks of runs whose controller is dead (or of every run with
 * `all`). Finds them by the run label only, so nothing faultline did not create is touched.
 */
export async function reapRuns(docker: Docker, options: ReapOptions = {}): Promise<ReapReport> {
  const runs = await leftoverRuns(docker);
  const report: ReapReport = { removed: [], containers: 0, networks: 0, spared: [] };
  for (const [runId, run] of runs) {
    const liveness = controllerLiveness(run.labels, options.here ?? thisHost);
    if (liveness !== 'dead' && !options.all) {
      report.spared.push({ runId, liveness });
      continue;
    }
    options.log?.(`removing run ${runId} (${liveness === 'dead' ? 'its controller is gone' : `--all; controller ${liveness}`}): ${run.containers.length} containers, ${run.networks.length} networks`);
    await Promise.all(run.containers.map((id) => removeContainer(docker, id)));
    for (const id of run.networks) await removeNetwork(docker, id);
    report.removed.push(runId);
    report.containers += run.containers.length;
    report.networks += run.networks.length;
  }
  return report;
}

/** Everything labelled with a run id, grouped by run. */
export async function leftoverRuns(docker: Docker): Promise<Map<string, RunObjects>> {
  const filters = { label: [LABEL.run] };
  const [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })]);
  const runs = new Map<string, RunObjects>();
  const entry = (labels: Record<string, string> | undefined) => {
    const runId = labels?.[LABEL.run] ?? '';
    let run = runs.get(runId);
    if (!run) runs.set(runId, (run = { labels: labels ?? {}, containers: [], networks: [] }));
    return run;
  };
  for (const c of containers) entry(c.Labels).containers.push(c.Id);
  for (const n of networks) entry(n.Labels).networks.push(n.Id);
  return runs;
}

/** Force-removes a container; one that is already gone is fine. */
export async function removeContainer(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true, v: true });
  } catch (err) {
    const code = (err as { statusCode?: number }).statusCode;
    // 404: gone; 409: removal already in progress (a concurrent teardown).
    if (code !== 404 && code !== 409) throw err;
  }
}

/** Removes a network, retrying while the engine still detaches its endpoints. */
export async function removeNetwork(docker: Docker, id: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await docker.getNetwork(id).remove();
      return;
    } catch (err) {
      const code = (err as { statusCode?: number }).statusCode;
      if (code === 404) return;
      if (attempt >= 20) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
