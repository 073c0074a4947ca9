import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/** What a cache step did, in the words of the real action's log. */
export interface CacheStepResult {
  outputs: Record<string, string>;
  message: string;
  /** An exact hit on the primary key (the combined action's post step then saves nothing). */
  exactHit?: boolean;
}

interface Entry {
  key: string;
  /** Creation order: restore-keys pick the newest entry with the prefix. */
  order: number;
  paths: string[];
}

/**
 * actions/cache (v4) on a folder that outlives runs, so a sequence of local runs sees what GitHub's
 * cache would hold. Modelled because whether state survives a failed run decides whether an alert
 * is sent: the combined `actions/cache` saves in its post step only when the job succeeded
 * (`post-if: success()`, and not on an exact hit; docs/workflows.md), while `actions/cache/save`
 * saves whenever its own `if:` lets it run. Keys are immutable: saving an existing key saves
 * nothing (a warning, not a failure). Restore: the exact key, else for each restore-key in order
 * the newest entry whose key starts with it. Paths are plain files or folders under the workspace
 * (no globs; ours need none). Branch scoping of GitHub's cache is not modelled: one branch here.
 */
export class LocalCache {
  constructor(private readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  restore(inputs: Record<string, string>, workspace: string): CacheStepResult {
    const key = inputs.key ?? '';
    const entries = this.entries();
    const prefixes = lines(inputs['restore-keys']);
    const exact = entries.find((entry) => entry.key === key);
    const match =
      exact ??
      prefixes
        .map((prefix) => entries.filter((entry) => entry.key.startsWith(prefix)).sort((a, b) => b.order - a.order)[0])
        .find(Boolean);
    if (!match)
      return {
        outputs: { 'cache-hit': 'false', 'cache-primary-key': key },
        message: `Cache not found for input keys: ${[key, ...prefixes].join(', ')}`,
      };
    const stored = this.folder(match.key);
    match.paths.forEach((path, index) => {
      const from = join(stored, String(index));
      if (existsSync(from)) cpSync(from, inside(path, workspace), { recursive: true });
    });
    return {
      outputs: { 'cache-hit': exact ? 'true' : 'false', 'cache-primary-key': key, 'cache-matched-key': match.key },
      message: `Cache restored from key: ${match.key}`,
      exactHit: Boolean(exact),
    };
  }

  save(inputs: Record<string, string>, workspace: string): CacheStepResult {
    const key = inputs.key ?? '';
    const paths = lines(inputs.path);
    const entries = this.entries();
    if (entries.some((entry) => entry.key === key))
      return {
        outputs: {},
        message: `Failed to save: Unable to reserve cache with key ${key}, another job may be creating this cache.`,
      };
    const existing = paths.filter((path) => existsSync(inside(path, workspace)));
    if (existing.length === 0)
      return {
        outputs: {},
        message:
          'Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved.',
      };
    const stored = this.folder(key);
    rmSync(stored, { recursive: true, force: true });
    mkdirSync(stored, { recursive: true });
    paths.forEach((path, index) => {
      if (existsSync(inside(path, workspace)))
        cpSync(inside(path, workspace), join(stored, String(index)), { recursive: true });
    });
    entries.push({ key, order: entries.reduce((max, entry) => Math.max(max, entry.order), 0) + 1, paths });
    writeFileSync(join(this.root, 'index.json'), JSON.stringify(entries));
    return { outputs: {}, message: `Cache saved with key: ${key}` };
  }

  private entries(): Entry[] {
    const index = join(this.root, 'index.json');
    return existsSync(index) ? (JSON.parse(readFileSync(index, 'utf8')) as Entry[]) : [];
  }

  private folder(key: string): string {
    return join(this.root, Buffer.from(key).toString('base64url'));
  }
}

function lines(text: string | undefined): string[] {
  return (text ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

/** A cache path, resolved in the workspace; one that leaves it is refused (this is a local run). */
function inside(path: string, workspace: string): string {
  const full = resolve(workspace, path);
  const rel = relative(workspace, full);
  if (isAbsolute(path) || rel === '..' || rel.startsWith(`..${sep}`))
    throw new Error(`cache path '${path}' is outside the workspace`);
  return full;
}
