import { ConfigError, parseEnvironment } from '../../lib/config/load-config';
import type { EnvironmentInput } from '../../lib/config/schema';

/** The problems a config is rejected with, one string per problem; [] when it is accepted. */
export function configProblems(input: unknown): readonly string[] {
  try {
    parseEnvironment(input as EnvironmentInput);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

/** Like configProblems, for a config a test expects to be rejected. */
export function problemsOf(input: unknown): readonly string[] {
  const problems = configProblems(input);
  if (problems.length === 0) throw new Error('expected the config to be rejected');
  return problems;
}
