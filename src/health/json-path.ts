/**
 * A small JSON path: `status`, `$.db.connected`, `checks[0].name`, `$['x-y'].z`. Enough for
 * health payloads; returns `undefined` when any step is missing.
 */
export function readJsonPath(document: unknown, path: string): unknown {
  const steps = tokenize(path);
  let current: unknown = document;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

function tokenize(path: string): (string | number)[] {
  const steps: (string | number)[] = [];
  const pattern = /\.?([^.[\]]+)|\[(\d+)\]|\[['"]([^'"]+)['"]\]/g;
  const body = path.startsWith('$') ? path.slice(1) : path;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(body)) !== null) {
    if (match[1] !== undefined) steps.push(match[1]);
    else if (match[2] !== undefined) steps.push(Number(match[2]));
    else steps.push(match[3]);
  }
  return steps;
}

/** YAML gives `true`, `200` or `ok`; the payload may hold the same as another type. */
export function jsonValueMatches(actual: unknown, expected: unknown): boolean {
  if (expected !== null && typeof expected === 'object') return JSON.stringify(actual) === JSON.stringify(expected);
  return actual === expected || (actual !== undefined && actual !== null && String(actual) === String(expected));
}
