import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import type { ActionDefinition } from '../core/host.js';
import { runAction } from '../runtime/run-action.js';
import { TerminalHost } from '../runtime/terminal-host.js';
import { readActionMetadata } from '../core/action-metadata.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import type { UpstashEmuState } from '../emulator/upstash.js';
import { DEMO_COST_CREDENTIALS } from '../emulator/fixtures/cost/months.js';
import { printProgress } from '../local-runner/progress.js';
import { readWorkflow, runWorkflow, type StepRecord, type WorkflowRecord } from '../local-runner/workflow.js';

/**
 * `npm run demo`: the whole pipeline on this machine, no accounts. The platform emulator stands in
 * for Vercel, Railway, GitHub and Slack (and the cost providers); deploy-pipeline.yml itself is run
 * by the local runner, so the demo follows the workflow's jobs, order and conditions exactly.
 */
export interface DemoOptions {
  root: string;
  actions: Record<string, ActionDefinition>;
  /** Progress and step logs. */
  write: (text: string) => void;
  /** The reports, as the job summary would read. */
  print: (text: string) => void;
  /** Step logs (verbose); hidden by default. */
  verbose?: boolean;
}

export interface DemoRun {
  label: string;
  sha: string;
  record: WorkflowRecord;
  status: string;
  /** From the emulator's request log: what production's URL answered while the run lasted, and how much of it this commit served. */
  production: { requests: number; servedByCommit: number };
}

export interface DemoResult {
  runs: DemoRun[];
  cost: { outputs: Record<string, string>; failed: boolean };
  slackMessages: number;
  productionSha: string | null;
  recap: string;
}

const PIPELINE = join('.github', 'workflows', 'deploy-pipeline.yml');
/** A healthy build that answers 30 % slower than the others (its app is set in runDemo). */
export const DEMO_SLOW_COMMIT = '5107000000000000000000000000000000000004';
/** Median latency of the demo's healthy builds. */
const DEMO_MEDIAN_MS = 60;

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const emulator = await startEmulator({ port: 0, slack: { rateLimit: false } });
  // The demo's workspace (notifier state, files the actions write) is a scratch folder, never the checkout.
  const workspace = mkdtempSync(join(tmpdir(), 'threadr-demo-'));
  try {
    const setup = await emulator.control.seedDemo();
    // The "broken" commit builds fine on both platforms, but its app answers 500. The "slow" one is
    // healthy but 30 % slower at the median than what serves: only the canary can tell. Seeded
    // profiles with a narrow spread (5 %), so a 30 % gap is plain even on a busy machine and two
    // equal builds never differ by the canary's 10 % tolerance.
    const slow = DEMO_SLOW_COMMIT;
    for (const sha of [setup.commits.current, setup.commits.good])
      emulator.control.setApp(sha, { kind: 'profile', medianMs: DEMO_MEDIAN_MS, spread: 0.05, seed: 7 });
    emulator.control.setApp(slow, {
      kind: 'profile',
      medianMs: Math.round(DEMO_MEDIAN_MS * 1.3),
      spread: 0.05,
      seed: 7,
    });
    const workflow = readWorkflow(join(options.root, PIPELINE));
    // Passed as docs/workflows.md and docs/secrets.md tell users to: ids and tokens as repository
    // secrets, what differs per environment as secrets of the GitHub Environment `production`.
    // GitHub drops a job output that contains any of them, and the local runner does too.
    // The seeded Upstash account and its database: the pipeline backs Redis up before each production deploy.
    const upstash = emulator.control.extensionState<UpstashEmuState>('upstash');
    const secrets = {
      VERCEL_TOKEN: setup.vercel.token,
      VERCEL_PROJECT_ID: setup.vercel.project.projectId,
      RAILWAY_PROJECT_ID: setup.railway.service.projectId,
      RAILWAY_SERVICE_ID: setup.railway.service.serviceId,
      SLACK_WEBHOOK_URL: setup.slack.webhookUrl,
      VERCEL_API_URL: emulator.urls.vercel,
      RAILWAY_API_URL: emulator.urls.railwayGraphql,
      THREADR_GITHUB_API_URL: emulator.urls.github,
      UPSTASH_EMAIL: upstash.accounts[0]?.email ?? '',
      UPSTASH_API_KEY: upstash.accounts[0]?.apiKey ?? '',
      UPSTASH_DATABASE: upstash.databases[0]?.database_name ?? '',
      UPSTASH_API_URL: `${emulator.urls.base}/upstash`,
    };
    const production = {
      RAILWAY_TOKEN: setup.railway.projectToken,
      RAILWAY_ENVIRONMENT_ID: setup.railway.service.environmentId,
    };
    options.write(
      `Repository secrets: ${Object.keys(secrets).join(', ')}\nEnvironment secrets (production): ${Object.keys(production).join(', ')}\n`,
    );
    const runs: DemoRun[] = [];
    for (const [label, sha] of [
      ['good commit', setup.commits.good],
      ['broken commit', setup.commits.broken],
      ['slow commit', slow],
    ] as const) {
      options.write(`\n━━ deploy-pipeline.yml: ${label} ${sha.slice(0, 7)} to production ━━\n`);
      const productionKey = `vercel-production:${setup.vercel.project.projectId}`;
      const logged = emulator.control.appRequests({ key: productionKey }).length;
      const users = visitWhileRunning(`${setup.vercel.project.productionUrl}/api/health`);
      const record = await runWorkflow(workflow, {
        root: options.root,
        workspace,
        actions: options.actions,
        // verify-duration is the canary's length too: 5 s at 10 requests per second, 50 per target.
        inputs: {
          environment: 'production',
          ref: sha,
          'verify-timeout': '5s',
          'verify-duration': '5s',
          'load-duration': '3s',
        },
        secrets,
        environments: { production: { secrets: production } },
        github: {
          sha,
          repository: `${setup.github.owner}/${setup.github.repo}`,
          token: setup.github.token,
          api_url: emulator.urls.github,
          server_url: 'https://github.com',
          run_id: String(runs.length + 1),
          event_name: 'workflow_dispatch',
          ref: 'refs/heads/main',
          ref_name: 'main',
        },
        write: options.verbose ? options.write : () => {},
        onStep: printProgress(options.write, options.print),
      }).finally(users.stop);
      await users.done;
      const served = emulator.control.appRequests({ key: productionKey }).slice(logged);
      for (const job of record.jobs) for (const warning of job.warnings) options.write(`  ! ${job.id}: ${warning}\n`);
      for (const job of record.jobs.filter((j) => j.note)) options.write(`  · ${job.id}: ${job.note}\n`);
      const status = record.jobs.find((job) => job.id === 'notify')?.outputs.status ?? 'unknown';
      options.write(`  ⇒ pipeline status: ${status}\n`);
      runs.push({
        label,
        sha,
        record,
        status,
        production: { requests: served.length, servedByCommit: served.filter((entry) => entry.sha === sha).length },
      });
    }

    options.write('\n━━ cost-monitor against the emulated month ━━\n');
    const cost = await runCostCheck(emulator, options, workspace);
    const productionSha = currentProductionSha(emulator, setup.vercel.project.projectId);
    const slackMessages = emulator.control.slackMessages().length;
    const recap = renderRecap(runs, cost, slackMessages, productionSha);
    options.print(`\n${recap}\n`);
    return { runs, cost, slackMessages, productionSha, recap };
  } finally {
    await emulator.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}

async function runCostCheck(
  emulator: Emulator,
  options: DemoOptions,
  workspace: string,
): Promise<{ outputs: Record<string, string>; failed: boolean }> {
  const metadata = readActionMetadata(join(options.root, 'actions', 'cost-monitor', 'action.yml'));
  const values = Object.fromEntries(Object.entries(metadata.inputs).map(([name, spec]) => [name, spec.default]));
  const c = DEMO_COST_CREDENTIALS;
  Object.assign(values, {
    'openai-admin-key': c.openaiAdminKey,
    'openai-api-url': `${emulator.url}/openai`,
    'railway-token': c.railwayToken,
    'railway-project-id': c.railwayProjectId,
    'railway-api-url': emulator.urls.railwayGraphql,
    'vercel-token': c.vercelToken,
    'vercel-api-url': emulator.urls.vercel,
    'upstash-email': c.upstashEmail,
    'upstash-api-key': c.upstashKey,
    'upstash-api-url': `${emulator.url}/upstash`,
    'stripe-secret-key': c.stripeKey,
    'stripe-api-url': `${emulator.url}/stripe`,
    'as-of': new Date(emulator.clock.now()).toISOString(),
  });
  let summary = '';
  const host = new TerminalHost(
    'cost-monitor',
    values,
    {},
    options.verbose ? options.write : () => {},
    (text) => (summary += text),
    workspace,
  );
  await runAction(options.actions['cost-monitor'], host);
  options.write(
    `  ${host.failed ? '✘' : '✔'} cost-monitor: severity ${host.outputs.severity}, today $${host.outputs['total-today']}, month to date $${host.outputs['total-month-to-date']}\n`,
  );
  options.print(`\n${summary.trim()}\n`);
  return { outputs: host.outputs, failed: host.failed !== undefined };
}

/**
 * The product's users: one request after another to production's URL while a pipeline runs, so the
 * emulator's request log shows which builds production served meanwhile (a candidate promoted even
 * for a moment would show). Answers and errors are not the point, only what the log records.
 */
function visitWhileRunning(url: string): { stop: () => void; done: Promise<void> } {
  const controller = new AbortController();
  const done = (async () => {
    while (!controller.signal.aborted) {
      try {
        const response = await fetch(url, { signal: controller.signal });
        await response.arrayBuffer();
      } catch {
        // Stopped, or production did not answer: either way the log has what it served.
      }
      await pause(100, undefined, { signal: controller.signal }).catch(() => undefined);
    }
  })();
  return { stop: () => controller.abort(), done };
}

function currentProductionSha(emulator: Emulator, projectId: string): string | null {
  const productionId = emulator.control.vercelProject(projectId)?.productionDeploymentId;
  return productionId ? (emulator.control.vercelDeployment(productionId)?.sha ?? null) : null;
}

/** Whether production ends on the last verified commit, and that no failing commit reached it (by the request log). */
function productionLine(runs: DemoRun[], productionSha: string | null): string {
  const serving = `\`${productionSha?.slice(0, 7) ?? 'nothing'}\``;
  const verified = runs.filter((run) => run.status === 'verified').at(-1);
  const held = runs.filter((run) => run.status === 'not-promoted' || run.status === 'held');
  const reached = held.filter((run) => run.production.servedByCommit > 0);
  if (reached.length)
    return `${reached.map((run) => `\`${run.sha.slice(0, 7)}\` (${run.status})`).join(' and ')} REACHED production: it answered users although the run did not verify it`;
  if (verified && productionSha === verified.sha && held.length) {
    return `Production serves ${serving}, the last verified commit: ${held.map((run) => `\`${run.sha.slice(0, 7)}\` (${run.status})`).join(' and ')} never reached it`;
  }
  const last = runs.at(-1);
  if (last && last.status !== 'verified' && productionSha !== verified?.sha)
    return `Production was NOT restored: it serves ${serving} after \`${last.sha.slice(0, 7)}\` (${last.status})`;
  return `Production now serves ${serving}`;
}

export function renderRecap(
  runs: DemoRun[],
  cost: { outputs: Record<string, string> },
  slackMessages: number,
  productionSha: string | null,
): string {
  const lines = [
    '## Demo recap',
    '',
    '| Run | Deploy | Verify candidate | Canary | Promote | Verify production | Rollback | Pipeline |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const run of runs) {
    const step = (id: string) => run.record.steps.find((s) => s.id === id);
    const ran = (id: string, text: (s: StepRecord) => string) => {
      const s = step(id);
      return s?.ran ? text(s) : 'skipped';
    };
    const healthy = (s: StepRecord) =>
      s.outputs.healthy === 'true' ? 'healthy' : `unhealthy (${s.outputs.failed || 'SLO'})`;
    const canary = (s: StepRecord) =>
      `${s.outputs.verdict}${s.outputs['latency-regression'] ? ` (median ${Number(s.outputs['latency-regression']) >= 0 ? '+' : ''}${s.outputs['latency-regression']} %)` : ''}`;
    const rollback = (s: StepRecord) =>
      `${s.outputs.status}${step('reverify')?.ran ? `, ${step('reverify')!.outputs.healthy === 'true' ? 'restored' : 'still unhealthy'}` : ''}`;
    lines.push(
      `| ${run.label} \`${run.sha.slice(0, 7)}\` | ${ran('deploy', (s) => s.outputs.status + (s.outputs['candidate-url'] ? ' (staged)' : ''))} | ${ran('health', healthy)}${step('load')?.ran ? `, load ${step('load')!.outputs.passed === 'true' ? 'passed' : 'failed'}` : ''} | ${ran('canary', canary)} | ${ran('promote', (s) => s.outputs.status)} | ${ran('production', healthy)} | ${ran('rollback', rollback)} | **${run.status}** |`,
    );
  }
  lines.push(
    '',
    `Production's URL while each run lasted (the emulator's request log, a stand-in user asking every 0.1 s): ${runs
      .map(
        (run) =>
          `${run.label} \`${run.sha.slice(0, 7)}\` ${run.production.requests} answered, ${run.production.servedByCommit || 'none'} by it`,
      )
      .join('; ')}.`,
  );
  const backups = runs
    .map((run) => run.record.steps.find((s) => s.id === 'backup' && s.ran)?.outputs['backup-id'])
    .filter(Boolean);
  if (backups.length)
    lines.push(
      '',
      `Redis backups taken before the production deploys: ${backups.map((id) => `\`${id}\``).join(', ')}.`,
    );
  lines.push(
    '',
    `Cost check: severity **${cost.outputs.severity ?? 'unknown'}**, today $${cost.outputs['total-today'] ?? '?'}, month to date $${cost.outputs['total-month-to-date'] ?? '?'}, projected $${cost.outputs['projected-month'] ?? '?'}.`,
    `${productionLine(runs, productionSha)}; ${slackMessages} Slack message(s) were sent to the emulated webhook.`,
  );
  return lines.join('\n');
}
