import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { parseDocument, YAMLParseError } from 'yaml';
import { parseDuration } from './duration.js';
import { ConfigurationError } from './errors.js';

/** Where raw input text comes from: the runner's INPUT_* variables, or the CLI's flags. */
export type RawInputSource = (name: string) => string;

/** Called with every value that must never reach a log (tokens, header values). */
export type Masker = (secret: string) => void;

const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE']);

/**
 * Typed, validated access to an action's inputs. Every method throws a ConfigurationError naming
 * the input, what was wrong and the expected form, so getInputs() stops the action before any
 * request is made. Defaults come from action.yml (the runner or the CLI fill them in), never here.
 */
export class InputReader {
  constructor(
    private readonly raw: RawInputSource,
    private readonly mask: Masker = () => {},
    private readonly workspace: string = process.cwd(),
    /** The runner's temporary directory, the other place an action may write files. */
    private readonly tempDir: string | undefined = process.env.RUNNER_TEMP,
  ) {}

  text(name: string): string {
    return this.raw(name).trim();
  }

  /** The same inputs, with `also` told of every value masked (the redactor registers them this way). */
  withMasker(also: Masker): InputReader {
    return new InputReader(
      this.raw,
      (secret) => {
        this.mask(secret);
        also(secret);
      },
      this.workspace,
      this.tempDir,
    );
  }

  required(name: string, example: string): string {
    const value = this.text(name);
    if (value === '') throw new ConfigurationError(name, `is required, for example ${example}`);
    return value;
  }

  /** A secret: masked before anything else can print it. */
  secret(name: string): string {
    const value = this.text(name);
    if (value !== '') this.mask(value);
    return value;
  }

  duration(name: string, limits: { min?: number; max?: number } = {}): number {
    const text = this.text(name);
    const ms = parseDuration(text);
    if (ms === undefined) {
      throw new ConfigurationError(name, `must be a duration such as 30s, 5m or 1h, got '${text}'`);
    }
    if (limits.min !== undefined && ms < limits.min) {
      throw new ConfigurationError(name, `must be at least ${limits.min}ms, got '${text}'`);
    }
    if (limits.max !== undefined && ms > limits.max) {
      throw new ConfigurationError(name, `must be at most ${limits.max}ms, got '${text}'`);
    }
    return ms;
  }

  boolean(name: string): boolean {
    const text = this.text(name);
    if (TRUE.has(text)) return true;
    if (FALSE.has(text)) return false;
    throw new ConfigurationError(name, `must be true or false, got '${text}'`);
  }

  integer(name: string, limits: { min?: number; max?: number } = {}): number {
    const text = this.text(name);
    if (!/^-?\d+$/.test(text)) {
      throw new ConfigurationError(name, `must be a whole number such as 10, got '${text}'`);
    }
    const value = Number(text);
    checkRange(name, text, value, limits);
    return value;
  }

  number(name: string, limits: { min?: number; max?: number; example?: string } = {}): number {
    const text = this.text(name);
    const value = Number(text);
    if (text === '' || !Number.isFinite(value)) {
      throw new ConfigurationError(name, `must be a number such as ${limits.example ?? '1.5'}, got '${text}'`);
    }
    checkRange(name, text, value, limits);
    return value;
  }

  /** `5%` → 5 (percent, 0–100). See parsePercent: a bare number is refused. */
  percent(name: string): number {
    return parsePercent(name, this.text(name));
  }

  /** A size such as 1MiB, 512KiB or 1048576 (bytes) → bytes. */
  bytes(name: string, limits: { min?: number; max?: number } = {}): number {
    const text = this.text(name);
    const value = parseBytes(text);
    if (value === undefined)
      throw new ConfigurationError(name, `must be a size such as 1MiB, 512KiB or 10MB, got '${text}'`);
    checkRange(name, text, value, limits);
    return value;
  }

  /** Masks a value found inside an input (a header value in a checks file). */
  markSecret(value: string): void {
    if (value.trim() !== '') this.mask(value.trim());
  }

  oneOf<T extends string>(name: string, choices: readonly T[]): T {
    const text = this.text(name);
    if (!(choices as readonly string[]).includes(text)) {
      throw new ConfigurationError(name, `must be one of ${choices.join(', ')}, got '${text}'`);
    }
    return text as T;
  }

  /** Items separated by newlines or commas, blanks dropped. */
  list(name: string): string[] {
    return splitList(this.text(name));
  }

  url(name: string): URL {
    return parseHttpUrl(name, this.text(name));
  }

  urls(name: string): URL[] {
    return this.lines(name).map((line) => parseHttpUrl(name, line));
  }

  /** A file path, relative paths resolved against the workspace (GITHUB_WORKSPACE on a runner). */
  path(name: string): string {
    const text = this.text(name);
    return text === '' ? '' : isAbsolute(text) ? text : resolve(this.workspace, text);
  }

  /**
   * A file the action writes: resolved like path(), and refused unless it lies inside the
   * workspace or RUNNER_TEMP. An input that reaches the action from a workflow expression could
   * otherwise overwrite ~/.bashrc, the runner's own files or another job's cache.
   */
  outputPath(name: string): string {
    const path = this.path(name);
    if (path === '') return '';
    const roots = [this.workspace, this.tempDir].filter((root): root is string => Boolean(root));
    if (!roots.some((root) => isInside(realPathOf(path), realPathOf(root)))) {
      const where = roots.map((root) => `'${root}'`).join(' or ');
      throw new ConfigurationError(
        name,
        `must be a file inside the workspace or RUNNER_TEMP (${where}), such as results/out.json; got '${this.text(name)}'`,
      );
    }
    return path;
  }

  /** Non-empty lines, trimmed. */
  lines(name: string): string[] {
    return this.text(name)
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '');
  }

  /**
   * `Name: value` per line; every value is masked. A header whose value is empty is dropped, so
   * `x-vercel-protection-bypass: ${{ secrets.BYPASS }}` is harmless where the secret is unset.
   */
  headers(name: string): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const line of this.lines(name)) {
      const colon = line.indexOf(':');
      const key = colon > 0 ? line.slice(0, colon).trim() : '';
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) {
        // The value may be a secret: name the line by its position, never echo it.
        throw new ConfigurationError(
          name,
          `must hold one 'Name: value' header per line, such as 'x-vercel-protection-bypass: <secret>'; line ${this.lines(name).indexOf(line) + 1} is not`,
        );
      }
      const value = line.slice(colon + 1).trim();
      if (value === '') continue;
      this.mask(value);
      headers[key.toLowerCase()] = value;
    }
    return headers;
  }

  /**
   * YAML or JSON given inline, or the path of a file holding it. Returns undefined when empty.
   * Syntax errors name the line and column.
   */
  structured(name: string): unknown {
    const text = this.text(name);
    if (text === '') return undefined;
    let source = text;
    let origin = 'inline value';
    const looksLikePath = !text.includes('\n') && /\.(ya?ml|json)$/i.test(text);
    if (looksLikePath) {
      const path = isAbsolute(text) ? text : resolve(this.workspace, text);
      if (!existsSync(path)) throw new ConfigurationError(name, `names a file that does not exist: ${text}`);
      source = readFileSync(path, 'utf8');
      origin = text;
    }
    return parseStructured(name, source, origin);
  }
}

export function parseStructured(name: string, source: string, origin = 'inline value'): unknown {
  const doc = parseDocument(source, { prettyErrors: true });
  const error = doc.errors[0];
  if (error) {
    const where = error instanceof YAMLParseError && error.linePos ? error.linePos[0] : undefined;
    const position = where ? ` at line ${where.line}, column ${where.col}` : '';
    const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigurationError(name, `is not valid YAML or JSON (${origin}${position}): ${reason}`);
  }
  return doc.toJS();
}

export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * One unit for error rates across the suite: a percentage written with `%`. A bare `0.05` could
 * mean 5% or 0.05%, a hundredfold difference, so it is refused with the `%` form of both readings.
 */
export function parsePercent(name: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  const value = match ? Number(match[1]) : NaN;
  if (!match && /^\d+(?:\.\d+)?$/.test(text)) {
    const asFraction = `${Number((Number(text) * 100).toPrecision(12))}%`;
    const hint =
      Number(text) <= 1
        ? ` (write ${asFraction} if you meant the fraction ${text}, or ${text}% if you meant ${text} percent)`
        : ` (write ${text}%)`;
    throw new ConfigurationError(
      name,
      `must be a percentage written with %, such as 5% or 0.5%; got the bare number '${text}'${hint}`,
    );
  }
  if (!match || value < 0 || value > 100) {
    throw new ConfigurationError(name, `must be a percentage from 0% to 100% such as 5%, got '${text}'`);
  }
  return value;
}

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1000,
  kib: 1024,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

export function parseBytes(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = BYTE_UNITS[(match[2] || 'b').toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(match[1]) * unit);
}

export function parseHttpUrl(name: string, text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigurationError(name, `must be an http(s) URL such as https://example.com/health, got '${text}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(
      name,
      `must be an http(s) URL such as https://example.com/health, got scheme '${url.protocol.replace(':', '')}' in '${text}'`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    // The userinfo is a credential: named, never echoed. It would be sent to every redirect and logged with the URL.
    throw new ConfigurationError(
      name,
      `must not carry a user or password before the host (user:password@); send credentials in headers instead. Got a URL for ${url.host}`,
    );
  }
  return url;
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  // `..` as a whole first segment leaves the root; a name such as `..cache` does not.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The real path of the deepest part that exists, the rest appended: a symlink cannot lead out. */
function realPathOf(path: string): string {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    try {
      return resolve(realpathSync(current), ...missing.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return resolve(path);
      missing.push(current.slice(parent.length).replace(/^[\\/]/, ''));
      current = parent;
    }
  }
}

function checkRange(name: string, text: string, value: number, limits: { min?: number; max?: number }): void {
  if (limits.min !== undefined && value < limits.min) {
    throw new ConfigurationError(name, `must be at least ${limits.min}, got '${text}'`);
  }
  if (limits.max !== undefined && value > limits.max) {
    throw new ConfigurationError(name, `must be at most ${limits.max}, got '${text}'`);
  }
}
