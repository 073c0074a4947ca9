import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';

/**
 * Files matching a glob (`*`, `?`, `**` for any depth), sorted. Node 20 has no fs.glob; this
 * covers what artifact downloads produce (`shards/*.json`, `results/**\/histogram.json`) and the
 * paths the local runner's artifact steps take.
 */
export function globFiles(pattern: string, cwd: string): string[] {
  const absolute = isAbsolute(pattern) ? pattern : resolve(cwd, pattern);
  const parts = absolute.split(sep).filter((p, i) => p !== '' || i === 0);
  const firstGlob = parts.findIndex((p) => /[*?]/.test(p));
  if (firstGlob < 0) return isFile(absolute) ? [absolute] : [];
  const root = parts.slice(0, firstGlob).join(sep) || sep;
  const matchers = parts.slice(firstGlob);
  const found: string[] = [];
  walk(root, matchers, found);
  return [...new Set(found)].sort();
}

function walk(dir: string, segments: string[], found: string[]): void {
  const [head, ...rest] = segments;
  if (head === '**') {
    walk(dir, rest, found);
    for (const entry of entries(dir)) if (entry.isDirectory()) walk(join(dir, entry.name), segments, found);
    return;
  }
  const regex = globSegmentRegex(head);
  for (const entry of entries(dir)) {
    if (!regex.test(entry.name)) continue;
    const path = join(dir, entry.name);
    if (rest.length === 0) {
      if (entry.isFile() || (entry.isSymbolicLink() && isFile(path))) found.push(path);
    } else if (entry.isDirectory()) walk(path, rest, found);
  }
}

function entries(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** One path segment (or an artifact name) as a regex: `*` and `?` never cross a `/`. */
export function globSegmentRegex(segment: string): RegExp {
  const source = segment
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${source}$`);
}
