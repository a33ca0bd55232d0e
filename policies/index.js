// The k8s-least-privilege policy pack. Pulumi runs it with @pulumi/pulumi/cmd/run-policy-pack,
// which requires this directory (package.json `main`).
//
// Plain JavaScript, so that nothing is compiled or type-checked when Pulumi starts it: a .ts
// pack would be type-checked by ts-node with whatever TypeScript the Pulumi project has (or the
// TypeScript 3.8 that @pulumi/pulumi vendors), and would need @types/node. The policies come from
// the compiled library (../lib, built by `npm run compile` and shipped in the npm package).
//
// From the npm package (`--policy-pack node_modules/k8s-least-privilege/policies`), Node resolves
// @pulumi/policy from the Pulumi project's node_modules, where its user installs it (an optional
// peer dependency of k8s-least-privilege); from a clone of the repository, from its node_modules.
'use strict';
const { PolicyPack } = require('@pulumi/policy');
const { leastPrivilegePolicies, POLICY_PACK_NAME } = require('../lib/integrations/pulumi-policy');

new PolicyPack(POLICY_PACK_NAME, {
  description: 'Every container port binds with the least privilege that works, or the preview says why not.',
  policies: leastPrivilegePolicies(),
});
