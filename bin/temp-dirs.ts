import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Exit codes of a process ended by a signal, as shells report them (128 + the signal number). */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type HandledSignal = keyof typeof SIGNAL_EXIT_CODES;

/**
 * Temporary folders a command makes, removed when it ends however it ends: normally, on an error, or on Ctrl-C
 * (SIGINT), SIGTERM or SIGHUP, after which the process exits as a signalled one would. Child processes are stopped
 * first, so none keeps writing into a folder being removed.
 */
export class TempDirs {
  private readonly dirs = new Set<string>();
  private readonly children = new Set<{ kill: (signal?: NodeJS.Signals) => boolean }>();
  private readonly onSignal = (signal: HandledSignal) => {
    this.cleanUp();
    process.exit(SIGNAL_EXIT_CODES[signal]);
  };
  private readonly onExit = () => this.cleanUp();

  /** Starts removing on exit and on the signals above; call `release` when done. */
  constructor() {
    process.on('exit', this.onExit);
    for (const signal of Object.keys(SIGNAL_EXIT_CODES) as HandledSignal[]) process.on(signal, this.onSignal);
  }

  /** A new folder `<parent>/<prefix>XXXXXX`, removed with the others. */
  make(parent: string, prefix: string): string {
    const dir = mkdtempSync(join(parent, prefix));
    this.dirs.add(dir);
    return dir;
  }

  remove(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
    this.dirs.delete(dir);
  }

  /** A child process to stop before the folders go; forget it once it has ended. */
  track(child: { kill: (signal?: NodeJS.Signals) => boolean }): () => void {
    this.children.add(child);
    return () => this.children.delete(child);
  }

  /** Stops tracked children and removes every folder still there. */
  cleanUp(): void {
    for (const child of this.children) child.kill('SIGTERM');
    this.children.clear();
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    this.dirs.clear();
  }

  /** Removes everything and stops listening for exit and signals. */
  release(): void {
    this.cleanUp();
    process.off('exit', this.onExit);
    for (const signal of Object.keys(SIGNAL_EXIT_CODES) as HandledSignal[]) process.off(signal, this.onSignal);
  }
}
