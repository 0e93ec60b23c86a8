/** Runs once after every test file (jest globalTeardown): removes this run's temporary directory (global-setup.ts). */
import { rmSync } from 'node:fs';

export default function globalTeardown(): void {
  const dir = process.env.TEST_RUN_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
