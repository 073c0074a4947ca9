import { startEmulator } from './index.js';
import type { DemoSetup } from './control.js';
import type { EmulatorUrls } from './extension-api.js';
import { DEMO_COST_CREDENTIALS } from './fixtures/cost/months.js';

export interface EmulatorCliIo {
  write(text: string): void;
  /** Resolves when the process should stop (default: SIGINT or SIGTERM). */
  untilStopped?: Promise<unknown>;
}

const USAGE = `usage: threadr-ops emulator [--port N] [--speed X] [--state FILE] [--no-seed] [--json]
  --port N      listen on 127.0.0.1:N (default: a free port)
  --speed X     virtual ms per real ms (default 1); build steps also advance per status read
  --state FILE  load state from FILE if it exists, write it back on exit
  --no-seed     start empty (seed through POST /_control/seed/...)
  --json        print one JSON line {urls, demo} instead of the text summary
`;

/**
 * `threadr-ops emulator`: starts the emulator, seeds the demo setup, prints URLs and tokens and
 * runs until SIGINT/SIGTERM. Returns the exit code.
 */
export async function runEmulatorCli(
  argv: string[],
  io: EmulatorCliIo = { write: (text) => process.stdout.write(text) },
): Promise<number> {
  const flags = parseFlags(argv);
  if (typeof flags === 'string') {
    io.write(`${flags}\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    io.write(USAGE);
    return 0;
  }
  const emulator = await startEmulator({ port: flags.port, clock: { speed: flags.speed }, stateFile: flags.state });
  try {
    const demo =
      flags.seed && Object.keys(emulator.control.state().vercel.projects).length === 0
        ? await emulator.control.seedDemo()
        : undefined;
    io.write(
      flags.json ? `${JSON.stringify({ urls: emulator.urls, demo: demo ?? null })}\n` : summary(emulator.urls, demo),
    );
    await (io.untilStopped ?? untilSignal());
  } finally {
    await emulator.stop();
  }
  return 0;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

interface Flags {
  port?: number;
  speed?: number;
  state?: string;
  seed: boolean;
  json: boolean;
  help: boolean;
}

function parseFlags(argv: string[]): Flags | string {
  const flags: Flags = { seed: true, json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name, inline] = arg.split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    switch (name) {
      case '--port': {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535) return `--port must be an integer 0-65535`;
        flags.port = port;
        break;
      }
      case '--speed': {
        const speed = Number(value());
        if (!(speed >= 0)) return `--speed must be a number >= 0`;
        flags.speed = speed;
        break;
      }
      case '--state': {
        const file = value();
        if (!file) return '--state needs a file name';
        flags.state = file;
        break;
      }
      case '--no-seed':
        flags.seed = false;
        break;
      case '--json':
        flags.json = true;
        break;
      case '--help':
      case '-h':
        flags.help = true;
        break;
      default:
        return `unknown option ${arg}`;
    }
  }
  return flags;
}

function summary(urls: EmulatorUrls, demo: DemoSetup | undefined): string {
  const cost = DEMO_COST_CREDENTIALS;
  const lines = [
    'threadr-ops platform emulator',
    '',
    `  Vercel API       ${urls.vercel}`,
    `  Railway GraphQL  ${urls.railwayGraphql}`,
    `  GitHub API       ${urls.github}`,
    `  Slack webhooks   ${urls.slack}/services/T…/B…/…`,
    `  OpenAI API       ${urls.base}/openai`,
    `  Stripe API       ${urls.base}/stripe`,
    `  Upstash API      ${urls.base}/upstash`,
    `  Control          ${urls.control}`,
  ];
  if (demo) {
    lines.push(
      '',
      'Demo setup',
      `  VERCEL_TOKEN=${demo.vercel.token}  project ${demo.vercel.project.projectId}  production ${demo.vercel.project.productionUrl}`,
      `  RAILWAY_API_TOKEN=${demo.railway.accountToken}  RAILWAY_TOKEN=${demo.railway.projectToken}`,
      `  railway project ${demo.railway.service.projectId}  environment ${demo.railway.service.environmentId}  service ${demo.railway.service.serviceId}  ${demo.railway.service.serviceUrl}`,
      `  GITHUB_TOKEN=${demo.github.token}  repo ${demo.github.owner}/${demo.github.repo}`,
      `  SLACK_WEBHOOK_URL=${demo.slack.webhookUrl}`,
      // The cost fakes are seeded with these with the demo: every credential the emulator accepts is listed.
      `  OPENAI_ADMIN_KEY=${cost.openaiAdminKey}  STRIPE_SECRET_KEY=${cost.stripeKey}`,
      `  UPSTASH_EMAIL=${cost.upstashEmail}  UPSTASH_API_KEY=${cost.upstashKey}`,
      `  cost-monitor also reads Vercel billing with VERCEL_TOKEN and Railway usage with RAILWAY_API_TOKEN (project ${cost.railwayProjectId})`,
      `  commits: current ${demo.commits.current}, good ${demo.commits.good}, broken ${demo.commits.broken} (app answers 500)`,
    );
  }
  lines.push('', 'Ctrl-C to stop.', '');
  return lines.join('\n');
}
