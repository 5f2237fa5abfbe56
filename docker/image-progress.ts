import type Docker from 'dockerode';

/** One event of the engine's JSON progress stream (pull, build, import). */
export interface ProgressEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/**
 * Waits for a pull/build/import stream to end. The engine reports failures inside the stream
 * with status 200, so an `error` event is turned into a rejection here; so is silence past
 * `timeoutMs`.
 */
export function followProgress(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  timeoutMs: number,
  onEvent?: (event: ProgressEvent) => void,
): Promise<ProgressEvent[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      reject(new Error(`no answer from the engine within ${timeoutMs} ms`));
    }, timeoutMs);
    docker.modem.followProgress(
      stream,
      (err: Error | null, events: ProgressEvent[]) => {
        clearTimeout(timer);
        const failed = events?.find((e) => e.error !== undefined || e.errorDetail !== undefined);
        if (err) reject(err);
        else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error));
        else resolve(events);
      },
      onEvent,
    );
  });
}

export async function imageExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}
