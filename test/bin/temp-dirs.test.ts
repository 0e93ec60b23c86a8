import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TempDirs } from '../../bin/temp-dirs';

const root = join(__dirname, '..', '..');

describe('TempDirs', () => {
  const parent = mkdtempSync(join(tmpdir(), 'temp-dirs-test-'));
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  test('removes every folder it made on release, and stops listening for signals', () => {
    const before = process.listenerCount('SIGINT');
    const temp = new TempDirs();
    const dirs = [temp.make(parent, 'a-'), temp.make(parent, 'b-')];
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    temp.release();
    expect(dirs.filter(existsSync)).toEqual([]);
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  test('stops a tracked child before removing the folders', () => {
    const temp = new TempDirs();
    const child = { kill: jest.fn(() => true) };
    temp.track(child);
    temp.release();
    expect(child.kill).toHaveBeenCalledWith('SIGTERM');
  });

  test('an interrupted command (Ctrl-C) leaves no folder behind and exits 130', async () => {
    // A process that makes a folder, says where, then waits as a long benchmark would.
    const script = [
      "const { TempDirs } = require('./bin/temp-dirs.ts');",
      `const dir = new TempDirs().make(${JSON.stringify(parent)}, 'interrupted-');`,
      'process.stdout.write(dir + "\\n");',
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const dir = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
    expect(existsSync(dir)).toBe(true);
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exit).toBe(130);
    expect(existsSync(dir)).toBe(false);
  });
});
