/**
 * One record per bind strategy (src/planner/strategies/<kind>.ts), listed in `auto`'s order in
 * strategies/index.ts: every `BindStrategy` factory but `auto` has its record, each in the file
 * named after its kind, and the records' levels are what docs/strategies.md says.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PrivilegedPortIntent } from '../../src/planner';
import { BindStrategy } from '../../src/planner';
import { readFacts } from '../../src/planner/plan-facts';
import { portRequestsOf } from '../../src/planner/port-requests';
import { STRATEGIES, strategyDefinition } from '../../src/planner/strategies';

const STRATEGIES_DIR = join(__dirname, '..', '..', 'src', 'planner', 'strategies');

/** `rootWithNetBindService` → `root-with-net-bind-service`. */
const kebab = (kind: string) => kind.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

test('auto tries the strategies from the least privileged up', () => {
  expect(STRATEGIES.map((strategy) => strategy.kind)).toEqual(['highPort', 'userNamespace', 'unprivilegedPortSysctl', 'fileCapability', 'rootWithNetBindService']);
});

test('every BindStrategy factory but auto has one record, and every record a factory', () => {
  const factories = Object.getOwnPropertyNames(BindStrategy).filter((name) => typeof (BindStrategy as unknown as Record<string, unknown>)[name] === 'function');
  expect(factories.filter((name) => name !== 'auto').sort()).toEqual(STRATEGIES.map((strategy) => strategy.kind).sort());
  for (const strategy of STRATEGIES) expect(strategyDefinition(strategy.kind)).toBe(strategy);
});

test("each record lives in the file named after its kind, and the folder holds nothing else but the list and the records' shape", async () => {
  const files = readdirSync(STRATEGIES_DIR).filter((name) => name.endsWith('.ts'));
  expect(files.sort()).toEqual([...STRATEGIES.map((strategy) => `${kebab(strategy.kind)}.ts`), 'index.ts', 'strategy-definition.ts'].sort());
  for (const strategy of STRATEGIES) {
    const module = (await import(join(STRATEGIES_DIR, kebab(strategy.kind)))) as Record<string, unknown>;
    expect(module[strategy.kind]).toBe(strategy);
  }
});

test('only root and the user namespace run as uid 0; root is held below restricted by itself, the user namespace until Kubernetes and policy v1.35', () => {
  const levels = (intent: PrivilegedPortIntent) => {
    const facts = readFacts(intent, BindStrategy.auto(), portRequestsOf('test', intent), {});
    return STRATEGIES.map((strategy) => [strategy.kind, strategy.runsAsRoot, strategy.maxLevel(facts).level]);
  };
  expect(levels({ port: 80 })).toEqual([
    ['highPort', false, 'restricted'],
    ['userNamespace', true, 'baseline'],
    ['unprivilegedPortSysctl', false, 'restricted'],
    ['fileCapability', false, 'restricted'],
    ['rootWithNetBindService', true, 'baseline'],
  ]);
  expect(levels({ port: 80, minKubernetesVersion: '1.35' })).toEqual([
    ['highPort', false, 'restricted'],
    ['userNamespace', true, 'restricted'],
    ['unprivilegedPortSysctl', false, 'restricted'],
    ['fileCapability', false, 'restricted'],
    ['rootWithNetBindService', true, 'baseline'],
  ]);
});
