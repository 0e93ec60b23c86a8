/**
 * What every `npm run <script>` entry point shares: `--help`, exit codes, and errors that read as one message.
 *   0  done
 *   1  the work failed (a cdk run, a check, an AWS call)
 *   2  nothing was done: bad arguments, an unknown or invalid environment, a refusal
 */
import { ConfigError } from '../lib/config/load-config';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A request the command line cannot express, or one that must be refused; nothing runs. One line, no usage text. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Command {
  /** The npm script name, for the pointer to `npm run <name> -- --help`. */
  readonly name: string;
  /** Printed on stdout for `--help` or `-h`, which exit 0 before anything else happens. */
  readonly usage: string;
  readonly main: (argv: readonly string[]) => Promise<number>;
}

export interface CommandOutput {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const processOutput: CommandOutput = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

export function asksForHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** An unknown option or argument, as every command words it. */
export function unknownOption(option: string, allowed: readonly string[]): UsageError {
  const what = option.startsWith('-') ? 'option' : 'argument';
  return new UsageError(`unknown ${what} "${option}" (allowed: ${[...allowed, '--help'].join(', ')})`);
}

/**
 * Runs a command in-process and returns its exit code: usage for --help; a user error (UsageError, ConfigError) as
 * its message without a stack trace, exit 2; anything unexpected with its stack, exit 1.
 */
export async function runCommand(command: Command, argv: readonly string[], output: CommandOutput = processOutput): Promise<number> {
  if (asksForHelp(argv)) {
    output.out(command.usage);
    return EXIT_OK;
  }
  try {
    return await command.main(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      output.err(`${e.message.replace(/\.$/, '')}; usage: npm run ${command.name} -- --help`);
      return EXIT_USAGE;
    }
    if (e instanceof ConfigError) {
      output.err(e.message);
      return EXIT_USAGE;
    }
    output.err(e instanceof Error ? (e.stack ?? e.message) : String(e));
    return EXIT_FAILED;
  }
}

/**
 * The process entry: runs the command on the process arguments and sets the exit code. The AWS SDK's Node.js
 * version notice is switched off (the SDK's documented opt-out) so it never lands in the middle of a command's
 * output; the supported Node.js version is stated in package.json's engines and the README instead.
 */
export function runMain(command: Command): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  void runCommand(command, process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
