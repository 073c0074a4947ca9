import type { IncomingHttpHeaders } from 'node:http';

/** One request as received (control calls are not recorded). Headers are kept verbatim so tests can assert auth. */
export interface RecordedRequest {
  seq: number;
  /** Virtual time (ms) when it arrived. */
  at: number;
  provider: string;
  method: string;
  /** Path below the provider prefix. */
  path: string;
  fullPath: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: string;
  /** GraphQL operation name and root fields (Railway), else []. */
  operations: string[];
  /** Status sent, or 'reset' / 'hang' when no answer went out; undefined while in flight. */
  outcome?: number | 'reset' | 'hang';
  /** The fault applied, if any. */
  fault?: string;
}

export interface RequestFilter {
  provider?: string;
  method?: string;
  /** Substring of `path`. */
  path?: string;
  operation?: string;
}

export class RequestRecorder {
  private entries: RecordedRequest[] = [];
  private seq = 0;

  constructor(private readonly limit = 10_000) {}

  record(entry: Omit<RecordedRequest, 'seq'>): RecordedRequest {
    const recorded: RecordedRequest = { ...entry, seq: ++this.seq };
    this.entries.push(recorded);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    return recorded;
  }

  list(filter: RequestFilter = {}): RecordedRequest[] {
    return this.entries.filter(
      (entry) =>
        (filter.provider === undefined || entry.provider === filter.provider) &&
        (filter.method === undefined || entry.method === filter.method.toUpperCase()) &&
        (filter.path === undefined || entry.path.includes(filter.path)) &&
        (filter.operation === undefined || entry.operations.includes(filter.operation)),
    );
  }

  count(filter: RequestFilter = {}): number {
    return this.list(filter).length;
  }

  clear(): void {
    this.entries = [];
  }
}
