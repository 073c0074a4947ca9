import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decrypter, Encrypter } from 'age-encryption';
import type { RailwayServiceRef, RailwayVariablesClient } from '../providers/railway-variables.js';
import type { VercelEnvClient, VercelEnvVar } from '../providers/vercel-env.js';
import { parseStamp, stamp } from './select.js';
import { errorText } from '../core/errors.js';

/**
 * Environment configuration as one archive: the Vercel project's variables for a target and the
 * Railway service's variables, as JSON encrypted with age to a recipient public key. The workflow
 * that writes it holds only the public key; whoever restores holds the identity. Values live only
 * inside the archive and in memory: everything this module returns for logs, outputs and summaries
 * carries names.
 */

export interface ConfigArchive {
  format: 'threadr-ops-config/1';
  environment: string;
  createdAt: string;
  vercel?: { projectId: string; target: string; variables: (VercelEnvVar & { value: string })[]; unreadable: string[] };
  railway?: RailwayServiceRef & { variables: Record<string, string> };
}

export interface ConfigSources {
  environment: string;
  /** Called with every value read (defence in depth: the runner then hides it should it ever be printed). */
  mask?: (value: string) => void;
  vercel?: { client: VercelEnvClient; projectId: string; target: string };
  railway?: { client: RailwayVariablesClient; ref: RailwayServiceRef };
}

export interface ConfigExport {
  file: string;
  sizeBytes: number;
  createdAt: number;
  vercelNames: string[];
  /** Variables Vercel does not return (sensitive): named, not exported. */
  unreadable: string[];
  railwayNames: string[];
}

export async function readConfig(sources: ConfigSources, now: number): Promise<ConfigArchive> {
  const archive: ConfigArchive = {
    format: 'threadr-ops-config/1',
    environment: sources.environment,
    createdAt: new Date(now).toISOString(),
  };
  if (sources.vercel) {
    const all = await sources.vercel.client.list(sources.vercel.projectId, sources.vercel.target);
    for (const variable of all) maskValue(variable.value, sources.mask);
    archive.vercel = {
      projectId: sources.vercel.projectId,
      target: sources.vercel.target,
      variables: all
        .filter((v): v is VercelEnvVar & { value: string } => v.value !== null)
        .sort((a, b) => a.key.localeCompare(b.key)),
      unreadable: all
        .filter((v) => v.value === null)
        .map((v) => v.key)
        .sort(),
    };
  }
  if (sources.railway) {
    const variables = await sources.railway.client.list(sources.railway.ref);
    for (const value of Object.values(variables)) maskValue(value, sources.mask);
    archive.railway = {
      ...sources.railway.ref,
      variables: Object.fromEntries(Object.entries(variables).sort(([a], [b]) => a.localeCompare(b))),
    };
  }
  return archive;
}

/** Reads both platforms, encrypts to `recipient` and writes `<dir>/threadr-config-<environment>-<stamp>.json.age`. */
export async function exportConfig(
  sources: ConfigSources,
  recipient: string,
  dir: string,
  now: number,
): Promise<ConfigExport> {
  const archive = await readConfig(sources, now);
  const encrypter = new Encrypter();
  encrypter.addRecipient(recipient);
  const sealed = await encrypter.encrypt(JSON.stringify(archive));
  const file = join(dir, `threadr-config-${sources.environment}-${stamp(now)}.json.age`);
  writeFileSync(file, sealed, { mode: 0o600 });
  return {
    file,
    sizeBytes: sealed.length,
    createdAt: now,
    vercelNames: archive.vercel?.variables.map((v) => v.key) ?? [],
    unreadable: archive.vercel?.unreadable ?? [],
    railwayNames: Object.keys(archive.railway?.variables ?? {}),
  };
}

/**
 * Values shorter than 6 characters (ports, flags) are not masked: hiding every `true` or `8080`
 * would blank out unrelated log text and protect nothing.
 */
export function maskValue(value: string | null, mask: ((value: string) => void) | undefined): void {
  if (mask && value && value.length >= 6) mask(value);
}

/** Every value of an archive, for masking after decryption. */
export function archiveValues(archive: ConfigArchive): string[] {
  return [...(archive.vercel?.variables.map((v) => v.value) ?? []), ...Object.values(archive.railway?.variables ?? {})];
}

export async function decryptConfig(file: string, identity: string): Promise<ConfigArchive> {
  const decrypter = new Decrypter();
  decrypter.addIdentity(identity);
  let text: string;
  try {
    text = await decrypter.decrypt(readFileSync(file), 'text');
  } catch (error) {
    throw new Error(
      `cannot decrypt ${file.split('/').pop()}: ${errorText(error)} (is age-identity the identity of the recipient it was written to?)`,
    );
  }
  const archive = JSON.parse(text) as ConfigArchive;
  if (archive.format !== 'threadr-ops-config/1')
    throw new Error(`${file.split('/').pop()} is not a threadr-ops config archive`);
  return archive;
}

export interface ConfigArchiveFile {
  id: string;
  path: string;
  createdAt: number;
}

/** Config archives in a folder (optionally of one environment), by the time in their names. */
export function listConfigArchives(dir: string, environment?: string): ConfigArchiveFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^threadr-config-[\w.-]+-\d{8}T\d{6}Z\.json\.age$/.test(name))
    .filter((name) => !environment || name.startsWith(`threadr-config-${environment}-`))
    .map((name) => ({ id: name, path: join(dir, name), createdAt: parseStamp(name) as number }));
}

/** Names only: what a restore adds, changes, leaves alone, and what the destination has beyond the archive. */
export interface NameDiff {
  add: string[];
  change: string[];
  same: string[];
  /** In the destination, not in the archive: left as they are. */
  extra: string[];
}

export function diffNames(wanted: Record<string, string>, current: Record<string, string>): NameDiff {
  const diff: NameDiff = { add: [], change: [], same: [], extra: [] };
  for (const [name, value] of Object.entries(wanted)) {
    if (!(name in current)) diff.add.push(name);
    else if (current[name] !== value) diff.change.push(name);
    else diff.same.push(name);
  }
  diff.extra = Object.keys(current).filter((name) => !(name in wanted));
  for (const list of Object.values(diff)) list.sort();
  return diff;
}

export interface ConfigDestination {
  vercel?: { client: VercelEnvClient; projectId: string };
  railway?: { client: RailwayVariablesClient; ref: RailwayServiceRef };
}

export interface ConfigRestore {
  vercel?: { projectId: string; diff: NameDiff };
  railway?: { ref: RailwayServiceRef; diff: NameDiff };
  /** Expected names present on neither platform afterwards (in a dry run: in neither part of the archive). */
  missing: string[];
}

/**
 * Compares the archive with the destination by name and, unless `dryRun`, writes what differs
 * (the destination's other variables are left as they are), then reads the destination back.
 */
export async function restoreConfig(
  archive: ConfigArchive,
  destination: ConfigDestination,
  options: { dryRun: boolean; expected: string[] },
): Promise<ConfigRestore> {
  const present = new Set<string>();
  const result: ConfigRestore = { missing: [] };
  if (destination.vercel && archive.vercel) {
    const { client, projectId } = destination.vercel;
    const target = archive.vercel.target;
    const current = Object.fromEntries((await client.list(projectId, target)).map((v) => [v.key, v.value ?? '']));
    const wanted = Object.fromEntries(archive.vercel.variables.map((v) => [v.key, v.value]));
    const diff = diffNames(wanted, current);
    if (!options.dryRun) {
      for (const variable of archive.vercel.variables) {
        if (!diff.same.includes(variable.key)) await client.upsert(projectId, variable);
      }
    }
    const after = options.dryRun ? Object.keys(wanted) : (await client.list(projectId, target)).map((v) => v.key);
    for (const name of after) present.add(name);
    result.vercel = { projectId, diff };
  }
  if (destination.railway && archive.railway) {
    const { client, ref } = destination.railway;
    const current = await client.list(ref);
    const wanted = archive.railway.variables;
    const diff = diffNames(wanted, current);
    const changed = Object.fromEntries(Object.entries(wanted).filter(([name]) => !diff.same.includes(name)));
    if (!options.dryRun && Object.keys(changed).length > 0) await client.upsert(ref, changed);
    const after = options.dryRun ? Object.keys(wanted) : Object.keys(await client.list(ref));
    for (const name of after) present.add(name);
    result.railway = { ref, diff };
  }
  result.missing = options.expected.filter((name) => !present.has(name));
  return result;
}
