import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import type { PodSecurityCheck } from '../../src/model/pss';
import { evaluatePodSecurity, POD_SECURITY_CHECKS } from '../../src/model/pss';

// The upstream fixtures live beside the repository (see DESIGN.md): ../shared/corpora/psa.
const CORPUS = path.resolve(__dirname, '../../../shared/corpora/psa');
const FIXTURE_LEVELS = ['baseline', 'restricted'] as const;

const minorOf = (version: string): number => Number(version.slice('v1.'.length));

/** The check active at `version`, as its version history says. */
function activeVersion(check: PodSecurityCheck, version: string) {
  return [...check.versions].reverse().find((v) => minorOf(v.since) <= minorOf(version));
}

/**
 * The check that must reject a `fail` fixture. File names are the lower-cased id of the check the
 * fixture targets; at restricted level a baseline check may be replaced by the restricted check
 * that overrides it at that version (e.g. hostPathVolumes → restrictedVolumes), as upstream does.
 */
function expectedCheckId(fileName: string, level: string, version: string): string {
  const prefix = fileName.replace(/\d*\.yaml$/, '');
  const target = POD_SECURITY_CHECKS.find((c) => c.id.toLowerCase() === prefix);
  if (!target) throw new Error(`no check for fixture prefix "${prefix}" (${fileName})`);
  if (level !== 'restricted') return target.id;
  const overriding = POD_SECURITY_CHECKS.find((c) => activeVersion(c, version)?.overrides?.includes(target.id));
  return overriding?.id ?? target.id;
}

describe('upstream Pod Security Admission fixtures', () => {
  it('agrees with every fixture', () => {
    expect(fs.existsSync(CORPUS)).toBe(true); // the corpus must be present; a missing one must not pass silently
    const table = new Map<string, { agreed: number; total: number }>();
    const disagreements: string[] = [];
    let files = 0;
    for (const level of FIXTURE_LEVELS) {
      const versions = fs.readdirSync(path.join(CORPUS, level)).sort((a, b) => minorOf(a) - minorOf(b));
      for (const version of versions) {
        const row = { agreed: 0, total: 0 };
        table.set(`${level} ${version}`, row);
        for (const outcome of ['pass', 'fail'] as const) {
          const dir = path.join(CORPUS, level, version, outcome);
          if (!fs.existsSync(dir)) continue;
          for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
            files++;
            row.total++;
            const pod = yaml.load(fs.readFileSync(path.join(dir, file), 'utf8')) as { metadata: unknown; spec: unknown };
            const result = evaluatePodSecurity(pod, { version });
            // Judged per level, as admission judges it: the level's own checks, overrides applied.
            const verdict = result.levels[level];
            const meets = verdict.allowed;
            const ids = verdict.violations.map((v) => v.checkId);
            let problem: string | undefined;
            if (outcome === 'pass' && !meets) {
              problem = `expected to meet ${level}, got ${result.level}: ${verdict.violations.map((v) => `${v.checkId} (${v.detail})`).join('; ')}`;
            } else if (outcome === 'fail') {
              const expected = expectedCheckId(file, level, version);
              if (meets) problem = `expected rejection by ${expected}, got ${result.level} with [${ids.join(', ')}]`;
              else if (!ids.includes(expected)) problem = `expected ${expected} among the violations, got [${ids.join(', ')}]`;
            }
            if (problem) disagreements.push(`${level}/${version}/${outcome}/${file}: ${problem}`);
            else row.agreed++;
          }
        }
      }
    }
    // One row per version, one column per level: agreed/total.
    const versions = [...new Set([...table.keys()].map((key) => key.split(' ')[1]))].sort((a, b) => minorOf(a) - minorOf(b));
    const cell = (level: string, version: string): string => {
      const row = table.get(`${level} ${version}`);
      return (row ? `${row.agreed}/${row.total}` : '-').padStart(12);
    };
    const lines = [
      `${'version'.padEnd(8)}${FIXTURE_LEVELS.map((l) => l.padStart(12)).join('')}`,
      ...versions.map((v) => `${v.padEnd(8)}${FIXTURE_LEVELS.map((l) => cell(l, v)).join('')}`),
    ];
    const agreed = files - disagreements.length;
    console.log(`PSA fixtures, agreed/total\n${lines.join('\n')}\nTOTAL ${agreed}/${files}`);
    expect(disagreements).toEqual([]);
    expect(files).toBe(4537);
  });
});
