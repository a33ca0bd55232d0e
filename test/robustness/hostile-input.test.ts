/**
 * Issue 17: untrusted input, bounded. Every hostile input of hostile-inputs.ts runs through the
 * real binary, killed after 20 s (a minute for the million-entry layer) or at 512 MiB resident:
 * it must finish, still report the other documents, name the right error, leak no byte of a
 * file outside the paths given (in any format), and print no raw control character in human
 * output. Times and peak memory are printed; docs/input-handling.md and docs/image-facts.md
 * ("Limits") hold the table.
 */
import type { BoundedRun, Probe } from './hostile-inputs';
import { describeRun, PROBES, runBounded, SECRET } from './hostile-inputs';
import { removeWorkDirectories } from './run-checker';
import type { CheckReport } from '../../src/check/report';

afterAll(removeWorkDirectories);
jest.setTimeout(90_000);

const MEMORY_BOUND = 512 * 1024 ** 2;
// The bombs are stopped at 1 GiB decompressed here, to keep the run short; the default is 8 GiB.
const SMALL_LAYERS = { K8S_LEAST_PRIVILEGE_MAX_LAYER_SIZE: '1GiB' };

/**
 * What a probe must give: the exit status, the resources still reported, and each error's
 * message — or, for an image of `--images` that cannot be read, each failed image's message (its
 * containers' verdicts are then unknown with that reason, LP002, as for a failed pull).
 */
interface Expected {
  readonly status: number;
  readonly resources?: readonly string[];
  readonly errors?: readonly RegExp[];
  readonly images?: readonly RegExp[];
  readonly stderr?: RegExp;
  readonly env?: Readonly<Record<string, string>>;
}

const IMAGE_CHECKED = ['uses-image'];
const layer2 = (problem: string) => new RegExp(`^image app:1: oci:.*: layer 2 \\(sha256:[0-9a-f]{64}\\)(: | cannot be decompressed \\(zstd\\): )${problem}`);
const FIFO = /not a regular file but a FIFO \(named pipe\): only regular files are read/;

const EXPECTED: Readonly<Record<string, Expected>> = {
  'PAX size=-1536 in an image archive (2.5 KB)': { status: 0, resources: IMAGE_CHECKED, images: [/not an image archive: the PAX size of "oci-layout" is "-1536", not a whole number$/] },
  'PAX size not a number, not an integer, absurd': {
    status: 0,
    resources: IMAGE_CHECKED,
    images: ['"12abc"', '"1.5"', '"99999999999999999999"', '" 0x200"'].map((size) => new RegExp(`the PAX size of "oci-layout" is ${size}, not a whole number$`)),
  },
  'base-256 size: negative, and beyond 2^53': {
    status: 0,
    resources: IMAGE_CHECKED,
    images: [/the size field of the header at byte 0 is a negative base-256 number$/, /the size field of the header at byte 0 is a base-256 number beyond 2\^53$/],
  },
  'x header of 2^40 bytes in an image archive': { status: 0, resources: IMAGE_CHECKED, images: [/not an image archive: the x header at byte 0 has 1099511627776 bytes, more than the 1 MiB allowed$/] },
  'L header of 8 GiB in a layer': { status: 0, resources: IMAGE_CHECKED, images: [layer2('the L header at byte 0 has 8589934591 bytes, more than the 1 MiB allowed$')] },
  'global PAX header of 550k records, then 20k entries': { status: 0, resources: IMAGE_CHECKED, images: [layer2('the g header at byte 0 has \\d+ bytes, more than the 1 MiB allowed$')] },
  'PAX x headers of 10k records before each of 2k entries': { status: 0, resources: IMAGE_CHECKED, images: [layer2('the PAX header at byte 0 brings the records for one entry past 1024, the limit$')] },
  'LIBARCHIVE.xattr.%ZZ': { status: 0, resources: IMAGE_CHECKED, images: [layer2('"bin/tool" has the PAX record "LIBARCHIVE.xattr.%ZZ", whose attribute name is not valid percent-encoding$')] },
  'zstd bomb: a 16 GiB entry in 512 KiB': { status: 0, resources: IMAGE_CHECKED, images: [layer2('larger uncompressed than 1 GiB \\(set K8S_LEAST_PRIVILEGE_MAX_LAYER_SIZE to raise it\\), the limit for one layer$')], env: SMALL_LAYERS },
  'zstd bomb: 16 GiB of zeros past the end of the archive': { status: 0, resources: IMAGE_CHECKED, images: [layer2('larger uncompressed than 1 GiB ')], env: SMALL_LAYERS },
  'zstd frame asking for a 2 GiB window': { status: 0, resources: IMAGE_CHECKED, images: [layer2('a zstd frame asks for a 2 GiB window, more than the 128 MiB this reader allows')] },
  'gzip bomb: a 16 GiB entry in 16 MiB': { status: 0, resources: IMAGE_CHECKED, images: [layer2('larger uncompressed than 1 GiB ')], env: SMALL_LAYERS },
  'gzip bomb: 16 GiB of zeros past the end of the archive': { status: 0, resources: IMAGE_CHECKED, images: [layer2('larger uncompressed than 1 GiB ')], env: SMALL_LAYERS },
  'a layer of 1.2 million entries': { status: 0, resources: IMAGE_CHECKED, images: [layer2('more than 1,000,000 entries, the limit for one archive$')] },
  'index.json a symlink to a secret outside the layout': { status: 0, resources: IMAGE_CHECKED, images: [/: index\.json is missing$/] },
  'a blob a symlink to /dev/zero': { status: 0, resources: IMAGE_CHECKED, images: [/: the manifest blob sha256:[0-9a-f]{64} is missing/] },
  'a FIFO as the image': { status: 0, resources: IMAGE_CHECKED, images: [FIFO, FIFO] },
  "a FIFO as image inspect's image": { status: 2, stderr: /^k8s-least-privilege: image \/.*image\.tar: not a regular file but a FIFO/ },
  'a FIFO as a path': { status: 2, resources: ['still-checked'], errors: [/^cannot read: not a regular file but a FIFO \(named pipe\): only regular files are read; pipe manifests to standard input and name it -$/] },
  'a FIFO and a *.yaml symlink to it in a scanned directory': { status: 2, resources: ['still-checked'], errors: [FIFO, FIFO] },
  'a FIFO as --config': { status: 2, stderr: /^k8s-least-privilege: --config \/.*config\.yaml: not a regular file but a FIFO/ },
  'a FIFO as --images': { status: 2, stderr: /^k8s-least-privilege: --images \/.*images\.yaml: not a regular file but a FIFO/ },
  'a *.yaml symlink to /dev/zero in a scanned directory': { status: 2, resources: ['still-checked'], errors: [/^cannot read: a symbolic link that leads outside .*, the directory given; not followed/] },
  '/dev/zero as a path': { status: 2, resources: ['still-checked'], errors: [/^cannot read: not a regular file but a character device/] },
  '/dev/zero on standard input (-)': {
    status: 2,
    resources: [],
    errors: [/^cannot read: larger than 16 MiB \(set K8S_LEAST_PRIVILEGE_MAX_FILE_SIZE to raise it\), the limit for one input file$/],
    env: { K8S_LEAST_PRIVILEGE_MAX_FILE_SIZE: '16MiB' },
  },
  'a *.yaml symlink to a secret outside the directory given': {
    status: 2,
    resources: ['via-link', 'still-checked'],
    errors: [/^cannot read: a symbolic link that leads outside .*\/repo, the directory given; not followed/, /^cannot read: a symbolic link that leads outside/],
  },
  'a 50 MB scalar document': { status: 2, resources: ['still-checked'], errors: [/^expected a Kubernetes object \(a map with apiVersion and kind\), found the scalar "x{40}…"$/] },
  'a 1 MB tag handle and a 1 MB alias': {
    status: 2,
    resources: ['still-checked'],
    errors: [/^invalid YAML: undeclared tag handle "!x{78}…\[1,048,500 more characters\]$/, /^invalid YAML: unidentified alias "x{79}…\[1,048,498 more characters\]$/],
  },
  'control characters in names, reasons and file names (human output)': { status: 2 },
  'control characters in an image (image inspect, human output)': { status: 0 },
  'CR-only line ends (two documents)': { status: 0, resources: ['first', 'second'], errors: [] },
};

// What human output may hold besides printable text: its own line breaks.
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const timings: string[] = [];
afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(`hostile inputs (time, peak RSS):\n${timings.join('\n')}`);
});

async function run(name: string, probe: Probe, expected: Expected, args = probe.args): Promise<BoundedRun> {
  const result = await runBounded(args, { ...probe.bounds, env: expected.env, memoryBytes: MEMORY_BOUND });
  timings.push(`  ${name}${args === probe.args ? '' : ` (${args[2]})`}: ${describeRun(result)}`);
  expect(result.killed).toBeUndefined();
  expect(result.stderr).not.toMatch(/\n\s+at |internal error/);
  expect(result.status).toBe(expected.status);
  return result;
}

function withFormat(args: readonly string[], format: string): string[] {
  const rest = [...args];
  const at = rest.indexOf('--format');
  if (at >= 0) rest.splice(at, 2);
  return [rest[0], '--format', format, ...rest.slice(1)];
}

describe('hostile input, through the binary: it ends, in bounded memory, naming what it refused', () => {
  test.each(Object.keys(EXPECTED))('%s', async (name) => {
    const expected = EXPECTED[name];
    const probe = PROBES[name]();
    const result = await run(name, probe, expected);
    if (expected.stderr !== undefined) expect(result.stderr).toMatch(expected.stderr);
    if (expected.errors !== undefined || expected.images !== undefined) {
      const report = JSON.parse(result.stdout) as CheckReport;
      expect(report.resources.map((resource) => resource.name)).toEqual(expected.resources);
      expect(report.errors.map((error) => error.message)).toEqual((expected.errors ?? []).map((pattern) => expect.stringMatching(pattern)));
      const failed = (report.images ?? []).filter((image) => image.status === 'failed').map((image) => image.message);
      expect(failed).toEqual((expected.images ?? []).map((pattern) => expect.stringMatching(pattern)));
    }
  });

  test('no probe is left without an expectation', () => {
    expect(Object.keys(PROBES).sort()).toEqual(Object.keys(EXPECTED).sort());
  });
});

describe('the limits', () => {
  test('a limit variable that is not a size is named, and the default applies', async () => {
    const name = '/dev/zero on standard input (-)';
    const expected = {
      status: 2,
      env: { K8S_LEAST_PRIVILEGE_MAX_FILE_SIZE: 'lots' },
    };
    const { stdout } = await run(`${name}, K8S_LEAST_PRIVILEGE_MAX_FILE_SIZE=lots`, PROBES[name](), expected);
    expect((JSON.parse(stdout) as CheckReport).errors.map((error) => error.message)).toEqual([
      'cannot read: larger than 256 MiB (set K8S_LEAST_PRIVILEGE_MAX_FILE_SIZE to raise it; K8S_LEAST_PRIVILEGE_MAX_FILE_SIZE="lots" is not a size, so the default applies), the limit for one input file',
    ]);
  });
});

describe('a file outside the paths given never reaches any output', () => {
  test.each(['a *.yaml symlink to a secret outside the directory given', 'index.json a symlink to a secret outside the layout'])('%s: json, human, sarif', async (name) => {
    const probe = PROBES[name]();
    expect(probe.secret).toBe(SECRET);
    for (const format of ['json', 'human', 'sarif']) {
      const result = await run(name, probe, EXPECTED[name], withFormat(probe.args, format));
      const output = result.stdout + result.stderr;
      // Not the secret, nor any 6 characters of it.
      for (let at = 0; at + 6 <= SECRET.length; at++) expect(output).not.toContain(SECRET.slice(at, at + 6));
    }
  });
});

describe('human output shows control characters from input escaped, never raw', () => {
  test('check: names, namespaces, containers, capabilities, protocols, suppression reasons, file names', async () => {
    const name = 'control characters in names, reasons and file names (human output)';
    const { stdout } = await run(name, PROBES[name](), EXPECTED[name]);
    expect(stdout).not.toMatch(RAW_CONTROL);
    expect(stdout).not.toMatch(/^FAKE LINE/m);
    expect(stdout).toContain('web\\e[31mred\\e[0m\\e]0;pwned\\x07\\x9b2J\\rCR\\nFAKE LINE: 0 errors');
    expect(stdout).toContain('evil\\e]0;title\\x07\\nFAKE LINE: 0 errors.yaml');
  });

  test('image inspect: the USER, the Entrypoint, the Cmd, the working directory, symlink targets, --binary', async () => {
    const name = 'control characters in an image (image inspect, human output)';
    const { stdout } = await run(name, PROBES[name](), EXPECTED[name]);
    expect(stdout).not.toMatch(RAW_CONTROL);
    expect(stdout).not.toMatch(/^FAKE LINE/m);
    expect(stdout).toContain('executes    /bin/start → /opt/\\e[31mred');
    expect(stdout).toContain('binary      /bin/\\e[31mred\\e[0m\\e]0;pwned\\x07\\x9b2J\\rCR\\nFAKE LINE: 0 errors (missing)');
  });
});
