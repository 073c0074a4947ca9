import { matchPath } from './http-kit.js';

/** How Retry-After is written: delta-seconds, an HTTP-date, or left out. */
export type RetryAfterForm = 'seconds' | 'http-date' | 'none';

/**
 * One injected misbehaviour. `afterHandling: true` (where offered) lets the request take effect
 * first and then fails the answer — the "did my mutation happen?" case.
 */
export type Fault =
  /** Provider-shaped rate-limit answer (Vercel `rate_limited` + `error.limit`, GitHub `x-ratelimit-remaining: 0`, Slack `rate_limited` text, Railway GraphQL error). */
  | {
      kind: 'rate-limit';
      status?: number;
      retryAfterSeconds?: number;
      retryAfterForm?: RetryAfterForm;
      /** GitHub only: a secondary (abuse) limit — GitHub's message and Retry-After, quota left untouched — instead of an exhausted quota. */
      secondary?: boolean;
    }
  /** Provider-shaped 5xx (default 500). */
  | {
      kind: 'server-error';
      status?: number;
      retryAfterSeconds?: number;
      retryAfterForm?: RetryAfterForm;
      afterHandling?: boolean;
    }
  /** An HTML error page, as a proxy in front of the API would send (default 502). */
  | { kind: 'html-error'; status?: number }
  /** The real answer's body cut in half (status and headers kept). The request does take effect. */
  | { kind: 'malformed-json' }
  /** The socket is destroyed without an answer. */
  | { kind: 'reset'; afterHandling?: boolean }
  /** No answer for `ms` (default 60 s, at most 10 min), then the socket is destroyed; released early when the client gives up or the emulator stops. */
  | { kind: 'hang'; ms?: number; afterHandling?: boolean }
  /** The real answer, `ms` late (virtual time is not involved: a real delay, bounded like hang). */
  | { kind: 'delay'; ms: number }
  /** A read answered from the state as it was before the last mutation on this provider (once per rule use). Ignored by mutations. */
  | { kind: 'stale-read' }
  /**
   * HTTP 200 with a GraphQL `errors[]` and `data: null`: how Railway reports a transient failure.
   * With `afterHandling`, the operation takes effect first (an applied mutation answered with errors).
   */
  | { kind: 'graphql-error'; message?: string; afterHandling?: boolean }
  /** A scripted answer; `json` is serialised, `body` is sent verbatim. */
  | { kind: 'respond'; status: number; headers?: Record<string, string>; body?: string; json?: unknown }
  /** The real JSON answer with fields removed or set (dot paths; `*` for every array item): unexpected shapes, nulls. */
  | { kind: 'reshape'; omit?: string[]; set?: Record<string, unknown> };

export interface FaultMatch {
  /** `vercel`, `railway`, `github`, `slack`, or an extension's name. Omitted = any. */
  provider?: string;
  /** HTTP method, upper case. Omitted = any. */
  method?: string;
  /** Path pattern below the provider prefix (`/v13/deployments/:id`, trailing `*` allowed). Omitted = any. */
  path?: string;
  /** GraphQL operation name or root field name (Railway). Omitted = any. */
  operation?: string;
}

export interface FaultRule extends FaultMatch {
  fault: Fault;
  /** How many matching requests get the fault; default 1; `-1` = every one from now on. */
  times?: number;
  /** Let this many matching requests through first. */
  skip?: number;
}

export interface ActiveFault extends FaultRule {
  id: string;
  /** Faults applied so far. */
  used: number;
  skipped: number;
}

/** What the router knows about a request when it asks for a fault. */
export interface FaultSubject {
  provider: string;
  method: string;
  path: string;
  operations: readonly string[];
  isRead: boolean;
}

/**
 * The scripted misbehaviours, consumed in the order they were added: the first rule that matches
 * and still has uses left wins. `script()` queues one rule per fault, so "the next three answers
 * for this route are 503, 503, 429" reads as it is written.
 */
export class FaultRegistry {
  private rules: ActiveFault[] = [];
  private nextId = 1;

  add(rule: FaultRule): string {
    const id = `fault_${this.nextId++}`;
    this.rules.push({ ...rule, method: rule.method?.toUpperCase(), id, used: 0, skipped: 0 });
    return id;
  }

  script(match: FaultMatch, faults: readonly Fault[]): string[] {
    return faults.map((fault) => this.add({ ...match, fault, times: 1 }));
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((rule) => rule.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): ActiveFault[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  /** Finds and consumes the fault for this request, if any. */
  take(subject: FaultSubject): Fault | undefined {
    for (const rule of this.rules) {
      if (!matches(rule, subject)) continue;
      if (rule.fault.kind === 'stale-read' && !subject.isRead) continue;
      if (rule.skipped < (rule.skip ?? 0)) {
        rule.skipped++;
        continue;
      }
      const times = rule.times ?? 1;
      if (times >= 0 && rule.used >= times) continue;
      rule.used++;
      if (times >= 0 && rule.used >= times) this.rules = this.rules.filter((other) => other !== rule);
      return rule.fault;
    }
    return undefined;
  }
}

function matches(rule: FaultMatch, subject: FaultSubject): boolean {
  if (rule.provider !== undefined && rule.provider !== subject.provider) return false;
  if (rule.method !== undefined && rule.method !== subject.method) return false;
  if (rule.path !== undefined && !matchPath(rule.path, subject.path)) return false;
  if (rule.operation !== undefined && !subject.operations.includes(rule.operation)) return false;
  return true;
}

/** Applies a `reshape` fault to a parsed JSON value. */
export function reshape(value: unknown, omit: readonly string[] = [], set: Record<string, unknown> = {}): unknown {
  const copy = structuredClone(value);
  for (const path of omit)
    visit(copy, path.split('.'), (parent, key) => {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete (parent as Record<string, unknown>)[key];
    });
  for (const [path, replacement] of Object.entries(set))
    visit(copy, path.split('.'), (parent, key) => {
      (parent as Record<string, unknown>)[key] = structuredClone(replacement);
    });
  return copy;
}

function visit(node: unknown, path: string[], apply: (parent: object, key: string) => void): void {
  if (node === null || typeof node !== 'object' || path.length === 0) return;
  const [head, ...rest] = path as [string, ...string[]];
  const keys = head === '*' ? Object.keys(node) : [head];
  for (const key of keys) {
    if (rest.length === 0) apply(node, key);
    else visit((node as Record<string, unknown>)[key], rest, apply);
  }
}
