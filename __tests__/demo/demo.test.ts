import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jobOrder, readWorkflow, actionOf } from '../../src/local-runner/workflow.js';
import { ROOT } from '../harness/runner.js';

/**
 * `npm run demo` as a user runs it: the committed CLI bundle, the emulator, deploy-pipeline.yml.
 * The demo's steps are compared with the workflow file's, so the two cannot drift apart.
 */
const node = process.env.THREADR_TEST_NODE ?? process.execPath;
const run = spawnSync(node, [join(ROOT, 'dist', 'cli', 'index.js'), 'demo'], {
  cwd: ROOT,
  encoding: 'utf8',
  timeout: 120_000,
});

/** The steps of our actions in deploy-pipeline.yml, in the order GitHub runs them: `job › step`. */
function pipelineSteps(): { id: string; action: string }[] {
  const workflow = readWorkflow(join(ROOT, '.github', 'workflows', 'deploy-pipeline.yml'));
  return jobOrder(workflow).flatMap((job) =>
    (workflow.jobs[job].steps ?? [])
      .filter((step) => actionOf(step))
      .map((step) => ({ id: `${job} › ${step.id}`, action: actionOf(step)! })),
  );
}

function demoSteps(section: string): string[] {
  return [...section.matchAll(/^▶ (\S+ › \S+) \(actions\/([\w-]+)\)$/gm)]
    .map((m) => `${m[1]} (${m[2]})`)
    .filter((step) => !step.endsWith('(upload-artifact)'));
}

describe('npm run demo', () => {
  const [, good, broken, slow] = run.stderr.split(/^━━ deploy-pipeline\.yml: /m);

  // How long it takes is printed ("demo finished in …s") and reported, not asserted: tests stay untimed.
  test('succeeds', () => {
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/demo finished in [\d.]+s/);
  });

  test("follows deploy-pipeline.yml's jobs, order and conditions", () => {
    const all = pipelineSteps().map((s) => `${s.id} (${s.action})`);
    expect(all).toEqual([
      'deploy › backup (backup)',
      'deploy › deploy (deploy)',
      'verify › health (health-check)',
      'verify › load (load-test)',
      'canary › canary (canary)',
      'promote › promote (promote)',
      'promote › production (health-check)',
      'rollback › rollback (rollback)',
      'rollback › reverify (health-check)',
      'notify › verdict (notify)',
    ]);
    // A promoted and verified commit skips the rollback job. A candidate that fails verification on its
    // own URL skips the load test, the canary and the promotion; one the canary fails skips the promotion.
    // Both roll back the backend only (Railway switched to it; the frontend never left its own URL).
    expect(demoSteps(good)).toEqual(all.filter((s) => !s.startsWith('rollback ›')));
    expect(demoSteps(broken)).toEqual(all.filter((s) => !/^(verify › load|canary ›|promote ›)/.test(s)));
    expect(demoSteps(slow)).toEqual(all.filter((s) => !s.startsWith('promote ›')));
    // Each job that ran uploads its run records (docs/dashboard.md); the last job, record-history.yml, is listed.
    const uploads = (section: string) =>
      [...section.matchAll(/^▶ (\S+) › history \(actions\/upload-artifact\)$/gm)].map((m) => m[1]);
    expect(uploads(good)).toEqual(['deploy', 'verify', 'canary', 'promote', 'notify']);
    expect(uploads(broken)).toEqual(['deploy', 'verify', 'rollback', 'notify']);
    expect(uploads(slow)).toEqual(['deploy', 'verify', 'canary', 'rollback', 'notify']);
    expect(run.stderr).toMatch(/Artifact ops-history-production-deploy has been uploaded: 1 file\(s\)/);
    for (const section of [good, broken, slow])
      expect(section).toMatch(
        /· record: not run locally: calls threadr\/threadr-ops\/\.github\/workflows\/record-history\.yml@v1/,
      );
  });

  // Issue 15: a Redis backup before each production deploy, its id in the run's summary.
  test('takes a Redis backup before each production deploy and names it in the summary', () => {
    for (const section of [good, broken, slow]) expect(section).toMatch(/✔ backup: status ok/);
    const ids = [...run.stdout.matchAll(/^\| redis \| ✅ ok \| .+ \| (bkp-[\w-]+) \| .*taken \(completed\) \|$/gm)].map(
      (m) => m[1],
    );
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    const recap = run.stdout.slice(run.stdout.indexOf('## Demo recap'));
    expect(recap).toContain(
      `Redis backups taken before the production deploys: ${ids.map((id) => `\`${id}\``).join(', ')}.`,
    );
  });

  test('the good commit is promoted and verified in production; the broken and the slow one never promoted', () => {
    expect(good).toMatch(/✔ canary: verdict pass/);
    expect(good).toMatch(/✔ promote: status promoted/);
    expect(good).toMatch(/✔ production: healthy true/);
    expect(good).toMatch(/⇒ pipeline status: verified/);
    expect(broken).toMatch(/✔ health: healthy false/);
    expect(broken).toMatch(/✔ rollback: status rolled-back/);
    expect(broken).toMatch(/✔ reverify: healthy true/);
    expect(broken).toMatch(/⇒ pipeline status: not-promoted/);
    expect(slow).toMatch(/✔ health: healthy true/);
    expect(slow).toMatch(/✔ canary: verdict fail, median \d/);
    expect(slow).toMatch(/⇒ pipeline status: held/);
    // Each candidate left on its own URL: the summary says how to promote it by hand.
    expect(run.stdout.match(/^To promote it by hand: `vercel promote \S+`/gm)).toHaveLength(2);
  });

  // Issue 14: "the emulator's request log shows production never served it". The demo asks
  // production's URL throughout each run and counts, from the log, which build answered.
  test("the emulator's request log: production never served the broken or the slow commit, and served the good one once promoted", () => {
    const line =
      /^Production's URL while each run lasted \(the emulator's request log.*\): good commit `c0ffee0` (\d+) answered, (\d+|none) by it; broken commit `bad0000` (\d+) answered, (\d+|none) by it; slow commit `5107000` (\d+) answered, (\d+|none) by it\.$/m.exec(
        run.stdout,
      );
    expect(line).not.toBeNull();
    const [, goodAnswered, goodServed, brokenAnswered, brokenServed, slowAnswered, slowServed] = line!;
    for (const answered of [goodAnswered, brokenAnswered, slowAnswered]) expect(Number(answered)).toBeGreaterThan(0);
    expect(Number(goodServed)).toBeGreaterThan(0);
    expect([brokenServed, slowServed]).toEqual(['none', 'none']);
  });

  // Project ids are passed as secrets (docs/workflows.md, docs/secrets.md), and GitHub drops a job
  // output holding a secret: the rollback plan must reach the rollback job all the same.
  test('passes the secrets as docs/secrets.md defines them, and no job output is dropped for holding one', () => {
    const table = new Map(
      [
        ...readFileSync(join(ROOT, 'docs', 'secrets.md'), 'utf8').matchAll(
          /^\| `([A-Z][A-Z0-9_]*)` \| .+? \| (Repository|Environment)/gm,
        ),
      ].map((m) => [m[1], m[2]]),
    );
    const listed = (label: string) => new RegExp(`^${label}: (.+)$`, 'm').exec(run.stderr)?.[1].split(', ') ?? [];
    const repository = listed('Repository secrets');
    const environment = listed('Environment secrets \\(production\\)');
    expect(repository).toEqual(
      expect.arrayContaining(['VERCEL_PROJECT_ID', 'RAILWAY_PROJECT_ID', 'RAILWAY_SERVICE_ID']),
    );
    expect(environment).toEqual(['RAILWAY_TOKEN', 'RAILWAY_ENVIRONMENT_ID']);
    expect(repository.map((name) => [name, table.get(name)])).toEqual(repository.map((name) => [name, 'Repository']));
    expect(environment.map((name) => [name, table.get(name)])).toEqual(
      environment.map((name) => [name, 'Environment']),
    );
    expect(run.stderr).not.toMatch(/Skip output/);
  });

  test('prints each report as the job summary reads, then a recap that shows what reached production', () => {
    expect(run.stdout).toMatch(/## .*Deploy/);
    expect(run.stdout).toMatch(/## Health check — ❌ Unhealthy/);
    expect(run.stdout).toMatch(/Cost monitor/);
    const recap = run.stdout.slice(run.stdout.indexOf('## Demo recap'));
    expect(recap).toMatch(
      /\| good commit `c0ffee0` \| deployed \(staged\) \| healthy, load passed \| pass \(median .+\) \| promoted \| healthy \| skipped \| \*\*verified\*\* \|/,
    );
    expect(recap).toMatch(
      /\| broken commit `bad0000` \| deployed \(staged\) \| unhealthy \(.+\) \| skipped \| skipped \| skipped \| rolled-back, restored \| \*\*not-promoted\*\* \|/,
    );
    expect(recap).toMatch(
      /\| slow commit `5107000` \| deployed \(staged\) \| healthy, load passed \| fail \(median \+\d.+\) \| skipped \| skipped \| rolled-back, restored \| \*\*held\*\* \|/,
    );
    expect(recap).toMatch(
      /Production serves `c0ffee0`, the last verified commit: `bad0000` \(not-promoted\) and `5107000` \(held\) never reached it/,
    );
    expect(recap).toMatch(/Cost check: severity \*\*ok\*\*/);
  });
});
