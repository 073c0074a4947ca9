import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * GitHub Actions expressions (`${{ … }}`, `if:`), the subset our workflows use, evaluated with
 * GitHub's rules: `==` compares strings case-insensitively and coerces mixed types to numbers,
 * `&&`/`||` return an operand, a missing property is null. Anything outside the subset throws, so
 * the local runner can never silently disagree with GitHub about a condition.
 */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

export interface ExpressionContext {
  contexts: Record<string, Value>;
  /** Status functions: success(), failure(), always(), cancelled(). */
  status: { success: boolean; failure: boolean };
  /** hashFiles(): the workspace files are read from here. */
  workspace?: string;
}

type Token = { kind: 'num' | 'str' | 'id' | 'op' | 'punct'; text: string; value?: Value };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      let text = '';
      for (i++; i < source.length; i++) {
        if (source[i] === "'") {
          if (source[i + 1] === "'") {
            text += "'";
            i++;
            continue;
          }
          break;
        }
        text += source[i];
      }
      if (source[i] !== "'") throw new Error(`unterminated string in expression: ${source}`);
      i++;
      tokens.push({ kind: 'str', text, value: text });
      continue;
    }
    const two = source.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', '&&', '||'].includes(two)) {
      tokens.push({ kind: 'op', text: two });
      i += 2;
      continue;
    }
    if ('!<>'.includes(c)) {
      tokens.push({ kind: 'op', text: c });
      i++;
      continue;
    }
    if ('()[].,*'.includes(c)) {
      tokens.push({ kind: 'punct', text: c });
      i++;
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(source.slice(i));
    if (num && (c !== '-' || /^-\d/.test(source.slice(i)))) {
      tokens.push({ kind: 'num', text: num[0], value: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][\w-]*/.exec(source.slice(i));
    if (id) {
      tokens.push({ kind: 'id', text: id[0] });
      i += id[0].length;
      continue;
    }
    throw new Error(`unexpected '${c}' in expression: ${source}`);
  }
  return tokens;
}

export function evaluate(source: string, context: ExpressionContext): Value {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (text?: string): Token => {
    const token = tokens[pos];
    if (!token || (text !== undefined && token.text !== text))
      throw new Error(`expected '${text ?? 'a value'}' in expression: ${source}`);
    pos++;
    return token;
  };

  const FUNCTIONS: Record<string, (args: Value[]) => Value> = {
    success: () => context.status.success,
    failure: () => context.status.failure,
    always: () => true,
    cancelled: () => false,
    contains: ([haystack, needle]) =>
      Array.isArray(haystack)
        ? haystack.some((item) => looseEquals(item, needle))
        : toStr(haystack).toLowerCase().includes(toStr(needle).toLowerCase()),
    startswith: ([text, prefix]) => toStr(text).toLowerCase().startsWith(toStr(prefix).toLowerCase()),
    endswith: ([text, suffix]) => toStr(text).toLowerCase().endsWith(toStr(suffix).toLowerCase()),
    fromjson: ([text]) => JSON.parse(toStr(text)) as Value,
    tojson: ([value]) => JSON.stringify(value, null, 2),
    format: ([template, ...args]) =>
      toStr(template).replace(/\{(\d+)\}/g, (_, n: string) => toStr(args[Number(n)] ?? '')),
    hashfiles: (paths) => hashFiles(paths.map(toStr), context.workspace ?? process.cwd()),
  };

  function primary(): Value {
    const token = take();
    if (token.kind === 'num' || token.kind === 'str') return token.value!;
    if (token.text === '(') {
      const value = or();
      take(')');
      return postfix(value);
    }
    if (token.text === '!') return !truthy(primary());
    if (token.kind !== 'id') throw new Error(`unexpected '${token.text}' in expression: ${source}`);
    const name = token.text;
    if (name === 'true' || name === 'false') return name === 'true';
    if (name === 'null') return null;
    if (peek()?.text === '(') {
      take('(');
      const args: Value[] = [];
      while (peek()?.text !== ')') {
        args.push(or());
        if (peek()?.text === ',') take(',');
      }
      take(')');
      const fn = FUNCTIONS[name.toLowerCase()];
      if (!fn) throw new Error(`function ${name}() is not supported by the local runner: ${source}`);
      return postfix(fn(args));
    }
    if (!(name in context.contexts)) throw new Error(`unknown context '${name}' in expression: ${source}`);
    return postfix(context.contexts[name]);
  }

  function postfix(start: Value): Value {
    let value = start;
    for (;;) {
      if (peek()?.text === '.') {
        take('.');
        value = property(value, take().text);
      } else if (peek()?.text === '[') {
        take('[');
        const key = or();
        take(']');
        value = property(value, key);
      } else return value;
    }
  }

  function comparison(): Value {
    let left = primary();
    while (peek()?.kind === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(peek().text)) {
      const op = take().text;
      const right = primary();
      left = compare(op, left, right);
    }
    return left;
  }
  function and(): Value {
    let left = comparison();
    while (peek()?.text === '&&') {
      take();
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  }
  function or(): Value {
    let left = and();
    while (peek()?.text === '||') {
      take();
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  }

  const result = or();
  if (pos < tokens.length) throw new Error(`unexpected '${tokens[pos].text}' in expression: ${source}`);
  return result;
}

function property(value: Value, key: Value): Value {
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) return typeof key === 'number' ? (value[key] ?? null) : null;
  const wanted = toStr(key).toLowerCase();
  const found = Object.keys(value).find((k) => k.toLowerCase() === wanted);
  return found === undefined ? null : value[found];
}

export function truthy(value: Value): boolean {
  if (value === null || value === false || value === 0 || value === '') return false;
  return !(typeof value === 'number' && Number.isNaN(value));
}

export function toStr(value: Value): string {
  if (value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function toNum(value: Value): number {
  if (value === null) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return value.trim() === '' ? 0 : Number(value);
  return NaN;
}

function looseEquals(left: Value, right: Value): boolean {
  if (typeof left === 'string' && typeof right === 'string') return left.toLowerCase() === right.toLowerCase();
  const isObject = (v: Value) => v !== null && typeof v === 'object';
  if (isObject(left) || isObject(right)) return left === right;
  if (left === null && right === null) return true;
  return toNum(left) === toNum(right);
}

function compare(op: string, left: Value, right: Value): boolean {
  if (op === '==') return looseEquals(left, right);
  if (op === '!=') return !looseEquals(left, right);
  const [a, b] =
    typeof left === 'string' && typeof right === 'string'
      ? [left.toLowerCase(), right.toLowerCase()]
      : [toNum(left), toNum(right)];
  if (op === '<') return a < b;
  if (op === '<=') return a <= b;
  if (op === '>') return a > b;
  return a >= b;
}

/** hashFiles() for literal paths (no globs): '' when none exists, as on GitHub. */
function hashFiles(paths: string[], workspace: string): string {
  if (paths.some((path) => /[*?[\]]/.test(path)))
    throw new Error(`hashFiles() with a glob is not supported by the local runner: ${paths.join(', ')}`);
  const existing = paths.map((path) => resolve(workspace, path)).filter((path) => existsSync(path));
  if (existing.length === 0) return '';
  const hash = createHash('sha256');
  for (const path of existing) hash.update(createHash('sha256').update(readFileSync(path)).digest());
  return hash.digest('hex');
}

/** Replaces every `${{ … }}` in a string. */
export function interpolate(text: string, context: ExpressionContext): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => toStr(evaluate(expression.trim(), context)));
}

/** An `if:` value, with or without `${{ }}`. */
export function condition(text: string | boolean | undefined, context: ExpressionContext): boolean {
  if (text === undefined) return context.status.success;
  if (typeof text === 'boolean') return text;
  const trimmed = text.trim();
  const inner = /^\$\{\{([\s\S]*)\}\}$/.exec(trimmed);
  const expression = inner ? inner[1].trim() : trimmed;
  // GitHub adds an implicit success() unless the condition calls a status function itself.
  const hasStatus = /\b(success|failure|always|cancelled)\s*\(/.test(expression);
  const value = truthy(evaluate(expression, context));
  return hasStatus ? value : context.status.success && value;
}
