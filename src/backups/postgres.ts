import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, createReadStream, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseStamp, stamp } from './select.js';

/**
 * PostgreSQL backups with the server's own tools: `pg_dump -Fc` to a file, a sha256 sidecar in
 * `sha256sum` format, `pg_restore --list` to prove the archive is readable, `pg_restore` into a
 * scratch database and `psql` for the verification query. Commands run with argument arrays, never
 * a shell; the password travels in PGPASSWORD, never on a command line or in a log.
 */

export interface PgTools {
  /** Folder of pg_dump, pg_restore and psql; empty: found on PATH. */
  binDir: string;
}

export interface PgConnection {
  /** The URL without its password: safe for argv and logs. */
  url: string;
  password?: string;
  /** host:port/database, for people. */
  label: string;
}

export class PgError extends Error {
  override readonly name = 'PgError';
}

/** Splits the password out of a postgres:// URL. */
export function pgConnection(text: string): PgConnection {
  const url = new URL(text);
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  url.password = '';
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  return { url: url.toString(), password, label: `${host}${url.port ? `:${url.port}` : ''}${url.pathname || '/'}` };
}

/** Whether two URLs name the same database (host, port, database name), whatever their credentials. */
export function sameDatabase(a: string, b: string): boolean {
  const key = (text: string) => {
    const url = new URL(text);
    const host = (url.hostname || url.searchParams.get('host') || 'localhost').toLowerCase();
    return `${host === '127.0.0.1' || host === '::1' || host === '[::1]' ? 'localhost' : host}:${url.port || '5432'}${url.pathname.replace(/\/+$/, '')}`;
  };
  try {
    return key(a) === key(b);
  } catch {
    return false;
  }
}

interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const OUTPUT_CAP = 1 << 20;

function tool(tools: PgTools, name: string): string {
  return tools.binDir ? join(tools.binDir, name) : name;
}

function runTool(tools: PgTools, name: string, args: string[], connection?: PgConnection): Promise<CommandResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, PGCONNECT_TIMEOUT: process.env.PGCONNECT_TIMEOUT ?? '10' };
  delete env.PGPASSWORD;
  if (connection?.password !== undefined) env.PGPASSWORD = connection.password;
  return new Promise((resolve, reject) => {
    const child = spawn(tool(tools, name), args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < OUTPUT_CAP) stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < OUTPUT_CAP) stderr += chunk;
    });
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        new PgError(
          error.code === 'ENOENT'
            ? `${name} not found${tools.binDir ? ` in ${tools.binDir}` : ' on PATH'} (install the PostgreSQL client, or set pg-bin-dir)`
            : `${name}: ${error.message}`,
        ),
      ),
    );
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function lastLines(text: string, count = 5): string {
  return text.trim().split('\n').slice(-count).join(' / ');
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface DumpResult {
  file: string;
  sha256: string;
  sizeBytes: number;
  durationMs: number;
  createdAt: number;
  /** Entries of the archive's table of contents (pg_restore --list). */
  entries: number;
}

/** `pg_dump -Fc` of the database to `<dir>/threadr-pg-<stamp>.dump`, its checksum, then a verification. */
export async function dumpPostgres(
  tools: PgTools,
  connection: PgConnection,
  dir: string,
  now: number,
): Promise<DumpResult> {
  const file = join(dir, `threadr-pg-${stamp(now)}.dump`);
  const started = performance.now();
  const result = await runTool(
    tools,
    'pg_dump',
    ['--format=custom', '--no-password', `--file=${file}`, `--dbname=${connection.url}`],
    connection,
  );
  if (result.code !== 0)
    throw new PgError(`pg_dump of ${connection.label} failed (exit ${result.code}): ${lastLines(result.stderr)}`);
  const durationMs = performance.now() - started;
  // The dump holds user data: readable by its owner only, whatever the umask.
  chmodSync(file, 0o600);
  const sha256 = await sha256File(file);
  writeFileSync(`${file}.sha256`, `${sha256}  ${basename(file)}\n`);
  const { entries } = await verifyDump(tools, file);
  return { file, sha256, sizeBytes: statSync(file).size, durationMs, createdAt: now, entries };
}

/**
 * A dump is good when its bytes match the checksum written with it and pg_restore can read its
 * table of contents. Either failure is an error that says which.
 */
export async function verifyDump(tools: PgTools, file: string): Promise<{ sha256: string; entries: number }> {
  if (!existsSync(file)) throw new PgError(`dump ${basename(file)} does not exist`);
  const sidecar = `${file}.sha256`;
  const sha256 = await sha256File(file);
  if (existsSync(sidecar)) {
    const expected = readFileSync(sidecar, 'utf8').trim().split(/\s+/)[0];
    if (expected !== sha256)
      throw new PgError(
        `dump ${basename(file)} is corrupt: its sha256 is ${sha256}, the checksum written with it is ${expected}`,
      );
  } else {
    throw new PgError(`dump ${basename(file)} has no checksum file ${basename(sidecar)}: it cannot be verified`);
  }
  const list = await runTool(tools, 'pg_restore', ['--list', file]);
  if (list.code !== 0)
    throw new PgError(
      `dump ${basename(file)} is not a readable archive: pg_restore --list failed (exit ${list.code}): ${lastLines(list.stderr)}`,
    );
  const entries = list.stdout.split('\n').filter((line) => line.trim() !== '' && !line.startsWith(';')).length;
  if (entries === 0) throw new PgError(`dump ${basename(file)} has an empty table of contents`);
  return { sha256, entries };
}

/** Restores a dump into a (scratch) database: objects it holds are dropped first, owners and grants are not restored. */
export async function restoreDump(
  tools: PgTools,
  file: string,
  destination: PgConnection,
): Promise<{ durationMs: number }> {
  const started = performance.now();
  const result = await runTool(
    tools,
    'pg_restore',
    [
      '--no-password',
      '--clean',
      '--if-exists',
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      '--single-transaction',
      `--dbname=${destination.url}`,
      file,
    ],
    destination,
  );
  if (result.code !== 0)
    throw new PgError(`pg_restore into ${destination.label} failed (exit ${result.code}): ${lastLines(result.stderr)}`);
  return { durationMs: performance.now() - started };
}

/** The first column of the first row of a query, as text ('' for no row). */
export async function queryValue(tools: PgTools, connection: PgConnection, sql: string): Promise<string> {
  const result = await runTool(
    tools,
    'psql',
    [
      '--no-password',
      '--no-psqlrc',
      '--tuples-only',
      '--no-align',
      '--set=ON_ERROR_STOP=1',
      `--dbname=${connection.url}`,
      '--command',
      sql,
    ],
    connection,
  );
  if (result.code !== 0)
    throw new PgError(`query on ${connection.label} failed (exit ${result.code}): ${lastLines(result.stderr)}`);
  return result.stdout.split('\n')[0]?.trim() ?? '';
}

/** What PostgreSQL prints for a truthy first value: not empty, f, false, 0 or null. */
export function isTruthy(value: string): boolean {
  return !['', 'f', 'false', '0', 'null', 'NULL'].includes(value.trim());
}

export interface DumpFile {
  id: string;
  path: string;
  createdAt: number;
}

/** The dumps in a folder, by the time in their names. */
export function listDumps(dir: string): DumpFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^threadr-pg-\d{8}T\d{6}Z\.dump$/.test(name))
    .map((name) => ({ id: name, path: join(dir, name), createdAt: parseStamp(name) as number }));
}
