import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';
import * as path from 'node:path';

export interface BundledCodeOptions {
  /** Node.js major version the bundle targets; match the function's runtime. */
  readonly nodeMajor: number;
  /** Modules left out of the bundle: the runtime's AWS SDK v3, optional native bindings. */
  readonly external: readonly string[];
  readonly sourceMap: boolean;
}

/**
 * Lambda code bundled by esbuild's API in this process: minified CommonJS with `index.handler`.
 * NodejsFunction does the same through two child processes per function (the esbuild shim and a
 * version check), which was most of synth time; the bundle itself is the same.
 */
export function bundledCode(entry: string, options: BundledCodeOptions): lambda.Code {
  return lambda.Code.fromAsset(path.dirname(entry), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the API, never used: local bundling always succeeds or throws.
      image: DockerImage.fromRegistry('scratch'),
      local: {
        tryBundle(outputDir: string): boolean {
          buildSync({
            entryPoints: [entry],
            outfile: path.join(outputDir, 'index.js'),
            bundle: true,
            platform: 'node',
            target: `node${options.nodeMajor}`,
            format: 'cjs',
            minify: true,
            sourcemap: options.sourceMap,
            sourcesContent: false,
            external: [...options.external],
            logLevel: 'error',
          });
          return true;
        },
      },
    },
  });
}

/** A handler's entry file, `lambda/<folder>/index.ts`. */
export function lambdaEntry(folder: string): string {
  return path.join(__dirname, '..', 'lambda', folder, 'index.ts');
}

/**
 * What every platform function shares: Node.js 24 on ARM, `index.handler` of a bundle of `entry` that leaves out
 * the runtime's AWS SDK v3 (plus `external`), with source maps unless turned off.
 */
export function nodeFunctionBasics(entry: string, options: { readonly external?: readonly string[]; readonly sourceMap?: boolean } = {}) {
  return {
    code: bundledCode(entry, {
      nodeMajor: 24,
      external: ['@aws-sdk/*', ...(options.external ?? [])],
      sourceMap: options.sourceMap ?? true,
    }),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
  };
}
