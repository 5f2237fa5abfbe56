import { ensureBaseImage } from '../../docker/base-image.ts';
import { ensureEngine } from '../../docker/engine.ts';

/**
 * Integration globalSetup: a fresh CI machine has no engine and no images, so start (or install)
 * the engine and build the base image once, before any suite needs them. Database images are
 * built on demand by the clusters that use them.
 */
export default async function setup(): Promise<void> {
  await ensureEngine();
  await ensureBaseImage();
}
