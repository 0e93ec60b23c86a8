/**
 * Jest set-up file: the environment every test file runs in.
 *
 * CDK's built-in CloudFormation validator runs on every synth of an App left at its defaults (`new Stack()`,
 * `new App()`) and costs about a second each. There it checks nothing: without cdk.json's
 * `@aws-cdk/core:validateAgainstDefaultRules` it turns its errors into printed warnings. The synths that
 * carry cdk.json's context run it for real: test/lib/no-secret-values.test.ts (every environment) and CI's
 * `npm run synth:all`. aws-cdk-lib reads CDK_VALIDATION at synth time
 * (core/lib/private/synthesis-validation.js, defaultValidationEnabled, 2.276.0).
 */
process.env.CDK_VALIDATION = 'false';

// The AWS SDK's notice about this Node.js version is printed once per test file otherwise (bin/run-main.ts
// switches it off for the commands the same way).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
