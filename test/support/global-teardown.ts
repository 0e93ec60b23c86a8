/** Runs once after every test file (jest globalTeardown): removes this run's shared templates. */
import { rmSync } from 'node:fs';

export default function globalTeardown(): void {
  const dir = process.env.TEST_SYNTH_CACHE;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
