import { podSecurityViolation } from './pod-security-violation';
import { portBindUnknown } from './port-bind-unknown';
import { portBindsOnlyOnLoweringRuntimes } from './port-binds-only-on-lowering-runtimes';
import { portCannotBind } from './port-cannot-bind';
import { Rule } from './rule';

export * from './rule';

/** Every rule, in id order. */
export const RULES: readonly Rule[] = [portCannotBind, portBindUnknown, portBindsOnlyOnLoweringRuntimes, podSecurityViolation];
