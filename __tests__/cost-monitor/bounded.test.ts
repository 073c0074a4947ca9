import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_AS_OF, COST_CREDENTIALS as C } from '../../src/emulator/fixtures/cost/months.js';
import { ROOT, runBundle } from '../harness/runner.js';

/** A provider API that answers with an endless body: the provider's cap (16 MiB) bounds memory. */

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

describe('cost-monitor against a provider streaming 2 GB', () => {
  it('reports the provider as not read, stays under 200 MB RSS and stops reading', async () => {
    const TOTAL = 2 * 1024 ** 3;
    const chunk = Buffer.alloc(64 * 1024, ' ');
    let sent = 0;
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(TOTAL) });
      res.on('error', () => {});
      const pump = (): void => {
        while (sent < TOTAL) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const rssFile = join(mkdtempSync(join(tmpdir(), 'threadr-rss-')), 'rss');
    const result = await runBundle('cost-monitor', {
      inputs: {
        'as-of': BASE_AS_OF,
        'openai-admin-key': C.openaiAdminKey,
        'openai-api-url': `http://127.0.0.1:${(server.address() as AddressInfo).port}/openai`,
      },
      env: { MAX_RSS_FILE: rssFile },
      nodeArgs: ['--import', join(ROOT, '__tests__', 'harness', 'max-rss.mjs')],
    });
    const maxRss = Number(readFileSync(rssFile, 'utf8'));
    const openai = JSON.parse(result.outputs.report).providers.find(
      (p: { provider: string }) => p.provider === 'openai',
    );
    expect(openai.status).toBe('failed');
    expect(JSON.stringify(openai)).toContain('larger than 16 MiB');
    expect(maxRss).toBeLessThan(200 * 1024 * 1024);
    expect(sent).toBeLessThan(TOTAL / 4);
  });
});
