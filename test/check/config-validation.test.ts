/** The enforcement configuration validated against its one JSON Schema: what passes, and how each mistake is worded. */
import { ConfigError } from '../../src/check/config-error';
import type { ConfigSource } from '../../src/check/config-validation';
import { validEnforcementConfig } from '../../src/check/config-validation';
import { checkOptionsOf, imageFactsSettingsOf } from '../../src/check/enforcement-config';
import { thrown } from '../thrown';

const SOURCE: ConfigSource = { name: 'test settings' };

/** The ConfigError `raw` is refused with. */
function refusal(raw: unknown, source: ConfigSource = SOURCE): ConfigError {
  const error = thrown(() => validEnforcementConfig(raw, source));
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('valid settings', () => {
  test('every key, typed as given', () => {
    const config = {
      runtimeProfile: 'kind',
      podSecurityVersion: 'v1.25',
      level: 'restricted',
      suppressions: [{ rule: 'LP001', reason: 'the binary is setcap', kind: 'Deployment', name: 'web', namespace: 'prod', container: 'web' }],
      images: { 'nginx:1.27': 'oci-archive:images/nginx.tar' },
      imageFacts: 'offline',
      registry: { mirrors: { 'docker.io': ['mirror.example:5000'] }, plainHttp: ['mirror.example:5000'], timeoutSeconds: 0, maxLayerBytes: 1, concurrency: 2, cacheDirectory: '/tmp/facts', tagTtlSeconds: 60 },
    };
    expect(validEnforcementConfig(config, SOURCE)).toEqual(config);
  });

  test('undefined, null and {} are no settings; a key given null (YAML `level:`) is a key not given', () => {
    expect(validEnforcementConfig(undefined, SOURCE)).toEqual({});
    expect(validEnforcementConfig(null, SOURCE)).toEqual({});
    const config = validEnforcementConfig({ level: null, registry: null, suppressions: [{ rule: 'LP001', reason: 'r', kind: null }] }, SOURCE);
    expect(config).toEqual({ suppressions: [{ rule: 'LP001', reason: 'r' }] });
    expect(checkOptionsOf({ level: null } as never).level).toBe('baseline');
  });

  test('the options they stand for: defaults, the profile of an alias, trimmed reasons, the registry cache', () => {
    const options = checkOptionsOf({ runtimeProfile: 'kind', suppressions: [{ rule: 'LP001', reason: '  why  ', name: 'web' }] });
    expect(options).toMatchObject({ podSecurityVersion: 'latest', level: 'baseline', suppressions: [{ ruleId: 'LP001', reason: 'why', name: 'web' }] });
    expect(options.runtimeProfile.name).toBe('containerd-2');
    const settings = imageFactsSettingsOf({ registry: { plainHttp: ['mirror:5000'], tagTtlSeconds: 5 } });
    expect(settings.mode).toBe('registry');
    expect(settings.registry).toMatchObject({ plainHttp: ['mirror:5000'], cache: expect.anything() });
  });
});

describe('each mistake is a ConfigError naming the source, the setting, the value and what is accepted', () => {
  test.each([
    ['an unknown key', { supressions: [] }, 'unknown key "supressions"; the keys are runtimeProfile, podSecurityVersion, level, suppressions, images, imageFacts, registry'],
    ['not a map', ['a'], 'expected a map with runtimeProfile, podSecurityVersion, level, suppressions, images, imageFacts, registry, not a list'],
    ['a bad enum value', { level: 'strict' }, 'level "strict" is not one of privileged, baseline, restricted'],
    ['a wrong type for an enum (one problem, not two)', { level: 3 }, 'level 3 is not one of privileged, baseline, restricted'],
    ['an unknown runtime profile', { runtimeProfile: 'firecracker' }, 'runtimeProfile "firecracker" is not one of strict, containerd-1, cri-o, containerd-2, docker, gvisor, kind, k3s, minikube'],
    ['an unknown image-facts mode', { imageFacts: 'online' }, 'imageFacts "online" is not one of registry, offline, assume-none'],
    ['a policy version', { podSecurityVersion: '1.25' }, 'podSecurityVersion: invalid Pod Security Standards policy version "1.25": expected "latest" or "v1.N" (v1.0 … v1.37; later versions evaluate as v1.37)'],
    ['a wrong type', { suppressions: 'LP001' }, 'suppressions must be a list of suppressions, each {rule, reason, kind?, name?, namespace?, container?}, not "LP001"'],
    ['a registry that is not a map', { registry: ['mirror'] }, 'registry must be a map with mirrors, plainHttp, timeoutSeconds, maxLayerBytes, concurrency, cacheDirectory, tagTtlSeconds, not a list'],
    ['a negative timeout', { registry: { timeoutSeconds: -1 } }, 'registry.timeoutSeconds must be a whole number of seconds, not -1'],
    ['a mirror that is a URL', { registry: { mirrors: { 'docker.io': ['https://m'] } } }, 'registry.mirrors["docker.io"][0] must be a host[:port] such as mirror.example:5000, not "https://m"'],
    ['an unknown registry key', { registry: { proxy: 'x' } }, 'registry: unknown key "proxy"; the keys are mirrors, plainHttp, timeoutSeconds, maxLayerBytes, concurrency, cacheDirectory, tagTtlSeconds'],
    ['an image that is blank', { images: { nginx: ' ' } }, 'images["nginx"] must be a local image such as oci-archive:nginx.tar, not " "'],
  ])('%s', (_name, raw, problem) => {
    const error = refusal(raw);
    expect(error.problems).toEqual([problem]);
    expect(error.source).toBe('test settings');
    expect(error.message).toBe(`k8s-least-privilege: test settings: ${problem}`);
  });

  describe('a suppression entry', () => {
    test.each([
      ['without a reason', { rule: 'LP001' }, 'suppressions[0]: a suppression of LP001 needs a reason'],
      ['with a blank reason', { rule: 'LP001', reason: ' ' }, 'suppressions[0].reason must be a reason that is not blank, not " "'],
      ['without a rule', { reason: 'why' }, 'suppressions[0]: a suppression needs a rule'],
      ['naming no rule', { rule: 'LP999', reason: 'why' }, expect.stringMatching(/^suppressions\[0\]\.rule "LP999" names no rule; the rules are LP000, LP001, /)],
      ['with a rule not shaped as an id', { rule: 'port-cannot-bind', reason: 'why' }, 'suppressions[0].rule must be a rule id such as LP001, not "port-cannot-bind"'],
      ['with a misspelt selector', { rule: 'LP001', reason: 'why', nmae: 'web' }, 'suppressions[0]: unknown key "nmae"; the keys are rule, reason, kind, name, namespace, container'],
      ['with a selector of the wrong type', { rule: 'LP001', reason: 'why', kind: 5 }, 'suppressions[0].kind must be a kind such as Deployment, not 5'],
      ['that is not a map', 'LP001', 'suppressions[0]: invalid suppression "LP001": expected a map with rule and reason (and optionally kind, name, namespace, container)'],
    ])('%s', (_name, entry, problem) => {
      expect(refusal({ suppressions: [entry] }).problems).toEqual([problem]);
    });

    test('the entry is named by its index in the list', () => {
      expect(refusal({ suppressions: [{ rule: 'LP002', reason: 'fine' }, { rule: 'LP001' }] }).problems).toEqual(['suppressions[1]: a suppression of LP001 needs a reason']);
    });
  });

  test('every problem at once, one per line, in the order of the schema', () => {
    const error = refusal({ level: 'strict', imageFacts: 'online', suppressions: [{ rule: 'LP001' }] });
    expect(error.problems).toHaveLength(3);
    expect(error.message).toBe(
      'k8s-least-privilege: test settings: 3 problems:\n' +
        '  - level "strict" is not one of privileged, baseline, restricted\n' +
        '  - suppressions[0]: a suppression of LP001 needs a reason\n' +
        '  - imageFacts "online" is not one of registry, offline, assume-none',
    );
  });

  test('a setting is named as its source calls it (a command-line flag)', () => {
    const error = refusal({ level: 'strict' }, { name: 'command line', settingNames: { level: '--level' } });
    expect(error.message).toBe('k8s-least-privilege: command line: --level "strict" is not one of privileged, baseline, restricted');
  });

  test("the input's control characters are escaped: a message goes to a terminal", () => {
    expect(refusal({ 'lev\u001bel': 1 }).message).not.toMatch(/\u001b/);
  });

  test('checkOptionsOf and imageFactsSettingsOf refuse alike, naming their source', () => {
    expect(thrown(() => checkOptionsOf({ level: 'strict' }, { name: 'somewhere' })).message).toBe(
      'k8s-least-privilege: somewhere: level "strict" is not one of privileged, baseline, restricted',
    );
    expect(thrown(() => imageFactsSettingsOf({ registry: { concurrency: 0 } }))).toBeInstanceOf(ConfigError);
  });
});
