/**
 * The model's bind verdict for one container, in CEL: the container's security context merged with
 * the pod's (src/model/security-context.ts), its bounding set under the runtime profile, its
 * file-capability annotation, why it never starts, and what that means for its ports (the order of
 * `assessBind` in src/model/bind-verdict.ts). Image facts are not in a manifest: the verdicts are
 * those of `check --image-facts offline`, where a verdict the image decides is `unknown`.
 *
 * One container gives a list of strings, computed once per evaluation (a policy variable):
 * `[name, category, reason, kubelet, annotation, 'port:80/TCP', …]`, where `category` is
 * `allowed`, `denied` or `unknown` for the listed ports (every port when the container never
 * starts or the pod's start is unknown, else those below the start), `reason` says why with the
 * fixes (`{port}` stands for each port's number), `kubelet` is `refused` when the kubelet refuses
 * runAsNonRoot with uid 0, and `annotation` is what is wrong with the container's file-capability
 * annotation, if anything.
 */
import { exoticAdds, inBoundingSet, prefixedAddIgnored } from './capability-names';
import { celString, fieldOr, firstOf, JS_WHITESPACE_CLASS, letIn } from './cel-text';
import { annotationClauses, clausesValid, effectiveBit, finallyIn } from './file-capability-annotation';
import { bindFixes, PORT_PLACEHOLDER } from './remedies';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX } from '../model/file-capabilities';
import { UNPRIVILEGED_PORT_START_SYSCTL } from '../model/pod-network';
import type { PodSecurityLevel } from '../model/pod-security-types';
import type { RuntimeProfile } from '../model/runtime-profile';

/** The positions in a container's verdict list. */
export const VERDICT_FIELDS = { name: 0, category: 1, reason: 2, kubelet: 3, annotation: 4 } as const;

/** The prefix of each port entry of a verdict list. */
export const PORT_ENTRY_PREFIX = 'port:';

/** What the verdict of a container depends on besides the pod's variables. */
export interface VerdictOptions {
  /** The runtime profile: its capability-name reading (the port start is a pod variable). */
  readonly profile: RuntimeProfile;
  /** The Pod Security level the fixes must meet. */
  readonly level: PodSecurityLevel;
}

const NBS = "'NET_BIND_SERVICE'";

/**
 * The most capability names (in `add` or in `drop`) the policy reads in one container: Linux has 41.
 * With more, or a file-capability annotation longer than {@link MAX_ANNOTATION_LENGTH}, or more
 * ports than {@link MAX_PORTS}, the container's privileged-port verdict is `unknown`. CEL counts a
 * `map` or `filter` over a list one step per element, but the evaluator takes time that grows with
 * the square of the list's length (measured: 5,000 names 0.12 s, 20,000 names 1.5 s), so a list
 * made to exhaust the API server must not be read.
 */
export const MAX_READ_NAMES = 64;

/** The longest file-capability annotation the policy reads (setcap text of every capability is under 1,000 characters). */
export const MAX_ANNOTATION_LENGTH = 4096;

/** The most ports of one container the policy lists one by one. */
export const MAX_PORTS = 1024;

/** The verdict list of the container `c` (the CEL identifier of a container in a comprehension). */
export function containerVerdict(c: string, options: VerdictOptions): string {
  const reading = options.profile.capabilityNames;
  // With `object` of type dyn (as the API server compiles policies), every value read from it is dyn:
  // string() gives list literals the one element type CEL's homogeneous-literal check wants.
  const name = `string(${c}.name)`;
  const annotationText = "string(ann.orValue(''))";
  const names = { addsUp: 'addsUp', dropsUp: 'dropsUp', privileged: 'privileged' };
  const ignoredUnderNoNewPrivs = options.profile.fileCapabilitiesUnderNoNewPrivs === 'ignored';
  const needs = `'Port ${PORT_PLACEHOLDER} < ' + string(variables.portStart) + ' needs CAP_NET_BIND_SERVICE'`;
  const who = firstOf([['uid == 0', "'uid 0'"], ['uid > 0', "'uid ' + string(uid)"], ['nonRoot', '"the image\'s non-root user (runAsNonRoot)"']], '"the image\'s user"');
  const remedyContext = { container: name, hasAnnotation: 'ann.hasValue()' };
  const fixes = (kind: 'root-needs-capability' | 'needs-file-capability' | 'user-unknown') => bindFixes(kind, options.level, remedyContext);

  const startFailure = firstOf(
    [
      ["variables.portStartFailure != ''", 'variables.portStartFailure'],
      ['!ape && privileged', celString('the API server rejects the pod: allowPrivilegeEscalation: false cannot be set with privileged: true; remove one of them')],
      [
        "!ape && 'CAP_SYS_ADMIN' in adds",
        celString('the API server rejects the pod: allowPrivilegeEscalation: false cannot be set with capabilities.add CAP_SYS_ADMIN; remove it (containerd reads that spelling as CAP_CAP_SYS_ADMIN, which grants nothing)'),
      ],
      [
        'nonRoot && uid == 0',
        celString(
          'the kubelet refuses to start it: runAsNonRoot is true but runAsUser is 0 (CreateContainerConfigError); set runAsUser to a non-zero uid' +
            (options.level === 'restricted' ? '' : ', or remove runAsNonRoot'),
        ),
      ],
      [
        'size(missing) > 0',
        `'exec of its binary fails with EPERM: the file capability (' + ${annotationText} + ') needs ' + missing.map(x, 'CAP_' + x).join(', ') + ` +
          '\' in the bounding set, which the securityContext removes; add \' + missing.join(\', \') + \' to capabilities.add (and remove them from capabilities.drop where listed)\'',
      ],
    ],
    "''",
  );

  const privilegedPortVerdict = firstOf(
    [
      [
        'exotic',
        `['unknown', ${needs} + ${celString(': capabilities.add has a name with non-ASCII letters, which the runtime may read as a capability and the policy cannot; write names in ASCII upper case (NET_BIND_SERVICE)')}]`,
      ],
      [
        'oversized',
        `['unknown', ${needs} + ${celString(
          `: the container lists more than ${MAX_READ_NAMES} capability names, ${MAX_PORTS} ports or ${MAX_ANNOTATION_LENGTH} characters of file capabilities, which the policy does not read`,
        )}]`,
      ],
      [
        `!${inBoundingSet(names, NBS, options.profile)}`,
        `['denied', ${needs} + ", which is not in the container's bounding set (" + ` +
          `(${prefixedAddIgnored('addsUp', NBS, reading)} ? 'add: [CAP_NET_BIND_SERVICE] grants nothing on containerd, which reads it as CAP_CAP_NET_BIND_SERVICE; write NET_BIND_SERVICE' : 'capabilities.drop removes it') + ` +
          `'); fix: ' + (uid == 0 ? ${fixes('root-needs-capability')} : (uid > 0 || nonRoot) ? ${fixes('needs-file-capability')} : ${fixes('user-unknown')})]`,
      ],
      ['uid == 0', "['allowed', '']"],
      [
        'ann.hasValue() && !annValid',
        `['unknown', ${needs} + ': whether ' + ${who} + " gains it depends on the binary's file capability, and its annotation cannot be read"]`,
      ],
      [
        `annValid && ${finallyIn('clauses', NBS, 'p')}`,
        `(effective ? ['allowed', ''] : ['unknown', ${needs} + ": the binary's file capability (" + ${annotationText} + ') puts it in the permitted set only, without +e; it binds only if the program raises it itself'])`,
      ],
      [
        'uid < 0 && !nonRoot',
        `['unknown', ${needs} + ${celString(": the uid comes from the image's USER — as root it binds, as non-root it cannot; set runAsUser (and runAsNonRoot) to decide")}]`,
      ],
      [
        `!ann.hasValue() && ${fieldOr(c, ['image'], "''")}.matches('[^${JS_WHITESPACE_CLASS.replace(/\\/g, '\\\\')}]')`,
        `['unknown', ${needs} + ': ' + ${who} + ${celString(
          ' has it after exec only if the binary it runs carries the file capability cap_net_bind_service=+ep (Kubernetes sets no ambient capabilities); ' +
            `declare it with the annotation ${FILE_CAPABILITIES_ANNOTATION_PREFIX}`,
        )} + ${name} + ${celString(', or let `k8s-least-privilege check` read the image')}]`,
      ],
    ],
    `['denied', ${needs} + ': ' + ${who} + ${celString(
      ' has none after exec, because Kubernetes sets no ambient capabilities (kubernetes#56374), so capabilities.add does not reach a non-root process; fix: ',
    )} + ${fixes('needs-file-capability')}]`,
  );

  const verdict = firstOf(
    [
      ['variables.windows', "['allowed', '']"],
      ["startFailure != ''", "['denied', 'The container cannot bind port " + PORT_PLACEHOLDER + ": ' + startFailure]"],
      [
        "variables.portStartState == 'unknown'",
        `['unknown', 'the pod sets ${UNPRIVILEGED_PORT_START_SYSCTL} to "' + string(variables.startSysctls[0].value) + '", not a port number as a string']`,
      ],
      // gVisor's own network stack checks no privileged port: any uid binds any port.
      ...(options.profile.privilegedPorts === 'unchecked' ? [['true', "['allowed', '']"] as const] : []),
    ],
    privilegedPortVerdict,
  );

  const ports =
    `(verdict[0] == 'allowed' ? [] : size(${fieldOr(c, ['ports'], '[]')}) > ${MAX_PORTS} ? ['${PORT_ENTRY_PREFIX}every/port'] : ${fieldOr(c, ['ports'], '[]')}` +
    '.filter(p, startFailure != \'\' || variables.portStartState == \'unknown\' || p.containerPort < variables.portStart)' +
    `.map(p, '${PORT_ENTRY_PREFIX}' + string(p.containerPort) + '/' + string(p.?protocol.orValue('TCP'))))`;
  const annotationProblem =
    `(ann.hasValue() && !annValid ? 'annotation ${FILE_CAPABILITIES_ANNOTATION_PREFIX}' + ${name} + ` +
    `${celString(' cannot be read: it is not in setcap\'s text form with Linux capability names, such as "cap_net_bind_service=+ep"')} : '')`;
  const result = `[${name}, verdict[0], verdict[1], (nonRoot && uid == 0 ? 'refused' : ''), ${annotationProblem}] + ${ports}`;

  const bindings: [string, string][] = [
    ['uid', `${c}.?securityContext.?runAsUser.or(variables.spec.?securityContext.?runAsUser).orValue(-1)`],
    ['nonRoot', `${c}.?securityContext.?runAsNonRoot.or(variables.spec.?securityContext.?runAsNonRoot).orValue(false)`],
    ['privileged', `${c}.?securityContext.?privileged.orValue(false)`],
    ['ape', `${c}.?securityContext.?allowPrivilegeEscalation.orValue(true)`],
    ['adds', fieldOr(c, ['securityContext', 'capabilities', 'add'], '[]')],
    ['drops', fieldOr(c, ['securityContext', 'capabilities', 'drop'], '[]')],
    ['ann', `variables.annotations[?'${FILE_CAPABILITIES_ANNOTATION_PREFIX}' + ${c}.name]`],
    [
      'oversized',
      `size(adds) > ${MAX_READ_NAMES} || size(drops) > ${MAX_READ_NAMES} || size(${fieldOr(c, ['ports'], '[]')}) > ${MAX_PORTS} || ` +
        `size(ann.orValue('')) > ${MAX_ANNOTATION_LENGTH}`,
    ],
    ['addsUp', 'oversized ? [] : adds.map(a, a.upperAscii())'],
    ['dropsUp', 'oversized ? [] : drops.map(d, d.upperAscii())'],
    ['exotic', `!oversized && ${exoticAdds('adds')}`],
    ['clauses', annotationClauses("ann.orValue('')")],
    ['annValid', `ann.hasValue() && ${clausesValid('clauses')}`],
    ['effective', `annValid && !oversized && ${effectiveBit('clauses')}`],
    // gVisor ignores a file capability under no_new_privs: exec then checks nothing.
    ['missing', `effective && !exotic${ignoredUnderNoNewPrivs ? ' && ape' : ''} ? variables.capabilityList.filter(x, ${finallyIn('clauses', 'x', 'p')} && !${inBoundingSet(names, 'x', options.profile)}) : []`],
    ['startFailure', startFailure],
    ['verdict', verdict],
  ];
  return bindings.reduceRight((body, [binding, value]) => letIn(binding, value, body), result);
}
