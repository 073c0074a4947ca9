import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL cluster from Debian's packages: initdb in a temporary directory, the
 * server on a free port on 127.0.0.1 with its socket in that directory, password (scram) auth over
 * TCP. Tests run as root, which PostgreSQL refuses, so the server runs as the `postgres` user.
 */
export interface PgCluster {
  binDir: string;
  port: number;
  password: string;
  url(database: string): string;
  psql(database: string, sql: string): string;
  stop(): void;
}

export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startCluster(binDir: string): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'threadr-pg-'));
  const asRoot = process.getuid?.() === 0;
  const asOwner = (command: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(binDir, command), ...args], { stdio: 'pipe' })
      : execFileSync(join(binDir, command), args, { stdio: 'pipe' });
  const password = 'pg-test-Passw0rd-unique-7731';
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`);
  if (asRoot) {
    execFileSync('chown', ['-R', 'postgres:postgres', dir]);
    chmodSync(dir, 0o700);
  }
  const data = join(dir, 'data');
  asOwner('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    `--pwfile=${pwfile}`,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  rmSync(pwfile);
  const port = await freePort();
  asOwner('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'server.log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    '-w',
    '-t',
    '120',
    'start',
  ]);
  const url = (database: string) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    binDir,
    port,
    password,
    url,
    psql(database, sql) {
      return execFileSync(
        join(binDir, 'psql'),
        [
          '--no-psqlrc',
          '--tuples-only',
          '--no-align',
          '--set=ON_ERROR_STOP=1',
          `--dbname=postgres://postgres@127.0.0.1:${port}/${database}`,
          '--command',
          sql,
        ],
        {
          env: { ...process.env, PGPASSWORD: password },
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      ).trim();
    },
    stop() {
      try {
        asOwner('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
