// The k8s-least-privilege policy pack. Pulumi runs it with @pulumi/pulumi/cmd/run-policy-pack,
// which compiles this file with ts-node (type-checked, with this directory's tsconfig.json).
// The policies come from the compiled library (../lib, built by `npm run compile` and shipped
// in the npm package), not ../src: the package does not ship its sources, and ts-node would
// type-check all of src/ on every preview.
import { PolicyPack } from '@pulumi/policy';
import { leastPrivilegePolicies, POLICY_PACK_NAME } from '../lib/integrations/pulumi-policy';

new PolicyPack(POLICY_PACK_NAME, {
  description: 'Every container port binds with the least privilege that works, or the preview says why not.',
  policies: leastPrivilegePolicies(),
});
