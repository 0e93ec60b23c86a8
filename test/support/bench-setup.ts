/**
 * Jest set-up file: with BENCH_TESTS_LOG set (npm run bench:tests), times every Template.fromStack, where a
 * stage's synthesis happens, whichever way a test built its app. Without it, nothing is loaded or patched.
 */
import { timedSetup } from './setup-costs';

if (process.env.BENCH_TESTS_LOG) {
  // Loaded only when timing: most test files never touch aws-cdk-lib.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Template } = require('aws-cdk-lib/assertions') as typeof import('aws-cdk-lib/assertions');
  const fromStack = Template.fromStack.bind(Template);
  Template.fromStack = (stack, templateParsingOptions) =>
    timedSetup('synth', stack.node.path, () => fromStack(stack, templateParsingOptions));
}
