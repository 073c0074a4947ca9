import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './runner.js';

/**
 * A real Next.js production app for the action tests: the fixture under
 * __tests__/fixtures/nextjs-app, built with the `next` dev dependency (`next build`, Turbopack,
 * offline) and served by `next start` on 127.0.0.1, port 0.
 *
 * A build costs about 10 s of one core here (30 s wall on a loaded machine), so each variant is
 * built once and kept under .tmp/nextjs-fixture/<key>, the key hashing the fixture's files, the
 * next version and the variant; a changed fixture or a Next upgrade gets a fresh build. Two jest
 * workers wanting the same variant share one build.
 */

export interface NextVariant {
  /** productionBrowserSourceMaps in next.config. */
  sourceMaps: boolean;
  /** Where the page's Content-Security-Policy comes from. */
  csp: 'none' | 'meta' | 'header';
}

export interface NextApp {
  url: string;
  port: number;
  /** The folder the build lives in (for reading .next in assertions). */
  dir: string;
  close(): Promise<void>;
}

const FIXTURE = join(ROOT, '__tests__', 'fixtures', 'nextjs-app');
const CACHE = join(ROOT, '.tmp', 'nextjs-fixture');
const NEXT_BIN = join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');

/** Telemetry off (it would try the network), and the repository as Turbopack's root. */
function nextEnv(variant: NextVariant, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    NODE_ENV: 'production',
    FIXTURE_ROOT: ROOT,
    FIXTURE_SOURCE_MAPS: variant.sourceMaps ? '1' : '0',
    FIXTURE_CSP: variant.csp,
    ...extra,
  };
}

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort();
}

export function nextVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'next', 'package.json'), 'utf8')) as { version: string })
    .version;
}

export function buildKey(variant: NextVariant): string {
  const hash = createHash('sha256');
  hash.update(`next ${nextVersion()}\n${JSON.stringify(variant)}\n`);
  for (const name of fixtureFiles(FIXTURE)) hash.update(`${name}\n`).update(readFileSync(join(FIXTURE, name)));
  return `${variantName(variant)}-${hash.digest('hex').slice(0, 16)}`;
}

const variantName = (variant: NextVariant): string => `${variant.sourceMaps ? 'maps' : 'nomaps'}-${variant.csp}`;

/**
 * The build folder for a variant: built here, or awaited while another jest worker builds the
 * same one (a lock folder, created atomically, says who builds; a dead builder's lock is taken
 * over). The build goes to a staging folder renamed into place, so a crash leaves no half build.
 */
export async function buildNextApp(variant: NextVariant): Promise<{ dir: string; built: boolean }> {
  const dir = join(CACHE, buildKey(variant));
  const lock = `${dir}.lock`;
  mkdirSync(CACHE, { recursive: true });
  for (;;) {
    if (existsSync(join(dir, '.next', 'BUILD_ID'))) return { dir, built: false };
    try {
      mkdirSync(lock);
    } catch {
      if (builderAlive(lock)) await lockReleased(lock);
      else rmSync(lock, { recursive: true, force: true });
      continue;
    }
    try {
      writeFileSync(join(lock, 'pid'), String(process.pid));
      build(variant, dir);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
    return { dir, built: true };
  }
}

function builderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    return true; // Just created; the pid follows.
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves when the lock folder is gone: watched, not polled. */
function lockReleased(lock: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watch(CACHE, () => {
      if (!existsSync(lock)) done();
    });
    const done = () => {
      watcher.close();
      resolve();
    };
    if (!existsSync(lock)) done();
  });
}

function build(variant: NextVariant, dir: string): void {
  const staging = `${dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  cpSync(FIXTURE, staging, { recursive: true });
  const result = spawnSync(process.execPath, [NEXT_BIN, 'build'], {
    cwd: staging,
    env: nextEnv(variant),
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(
      `next build failed in ${relative(ROOT, staging)} (exit ${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  rmSync(dir, { recursive: true, force: true }); // a leftover without BUILD_ID
  renameSync(staging, dir);
  // Builds of older fixture sources or next versions for this variant are dead weight (~30 MB each).
  const prefix = `${variantName(variant)}-`;
  for (const old of readdirSync(CACHE)) {
    if (old.startsWith(prefix) && !/\.(staging-\d+|lock)$/.test(old) && join(CACHE, old) !== dir)
      rmSync(join(CACHE, old), { recursive: true, force: true });
  }
}

/** `next start` on 127.0.0.1 and a free port; resolves once it prints the address it listens on. */
export async function startNextApp(variant: NextVariant, env: Record<string, string> = {}): Promise<NextApp> {
  const { dir } = await buildNextApp(variant);
  const child: ChildProcess = spawn(process.execPath, [NEXT_BIN, 'start', '-H', '127.0.0.1', '-p', '0'], {
    cwd: dir,
    env: nextEnv(variant, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      // "- Local: http://127.0.0.1:40123" is printed once the server listens.
      const match = /http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match && /Ready/.test(output)) resolve(Number(match[1]));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`next start exited (${code}) before listening:\n${output}`)));
    child.once('error', reject);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
