import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (apt-get install -y chromium); the CI image installs it (.ci/run). */
export const CHROMIUM = process.env.THREADR_CHROMIUM ?? '/usr/bin/chromium';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
};

/** A static server for a built site, on 127.0.0.1 and a port from 0. */
export async function serveStatic(root: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    let file = join(root, path);
    if (file.endsWith('/')) file = join(file, 'index.html');
    if (!resolve(file).startsWith(resolve(root)) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

export interface Browser {
  context: BrowserContext;
  /** Every request the pages tried that did not go to the loopback: blocked, and listed here. */
  blocked: string[];
  /** Console errors and uncaught page errors, per page opened. */
  errors: string[];
  open(url: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile, the background traffic Chromium makes on its own turned
 * off, and every request that leaves 127.0.0.0/8 aborted by route interception: a page that needs
 * the network shows it as a blocked request here and as a console error.
 */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'threadr-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1200, height: 900 },
  });
  const blocked: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const loopback = url.protocol === 'file:' || url.protocol === 'data:' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
    if (loopback) return route.continue();
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  return {
    context,
    blocked,
    errors,
    async open(url) {
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`${url}: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`${url}: ${error.message}`));
      await page.goto(url, { waitUntil: 'load' });
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Screenshots for a person to look at: .tmp/ is gitignored. */
export function screenshotDir(): string {
  const dir = resolve(import.meta.dirname ?? __dirname, '..', '..', '.tmp', 'dashboard-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** axe-core injected into the page; the serious and critical violations, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const source = readFileSync(
    resolve(import.meta.dirname ?? __dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js'),
    'utf8',
  );
  // Evaluated over the DevTools protocol, which the page's Content-Security-Policy does not govern
  // (a <script> tag would be refused by it, as it should be).
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run: (
            context: unknown,
            options: unknown,
          ) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.targets.join(', ')})`);
}
