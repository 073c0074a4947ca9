import type { ActionHost, Logger } from '../core/host.js';
import { InputReader } from '../core/inputs.js';

/**
 * The host for the CLI: inputs from flags (defaults from action.yml, filled in by the caller),
 * logs on stderr, the summary and outputs on stdout. Secrets are redacted from everything printed,
 * as the runner masks them in its log.
 */
export class TerminalHost implements ActionHost {
  readonly inputs: InputReader;
  readonly log: Logger;
  readonly outputs: Record<string, string> = {};
  failed: string | undefined;
  private readonly secrets = new Set<string>();
  private depth = 0;

  constructor(
    readonly action: string,
    values: Record<string, string>,
    readonly env: Readonly<Record<string, string | undefined>> = process.env,
    private readonly write: (text: string) => void = (text) => process.stderr.write(text),
    private readonly print: (text: string) => void = (text) => process.stdout.write(text),
    workspace: string = process.cwd(),
  ) {
    // Files may be written inside the workspace or this host's RUNNER_TEMP (a local workflow job's own).
    this.inputs = new InputReader(
      (name) => values[name] ?? '',
      (secret) => this.setSecret(secret),
      workspace,
      env.RUNNER_TEMP,
    );
    const line = (prefix: string) => (message: string) =>
      this.write(`${'  '.repeat(this.depth)}${prefix}${this.redact(message)}\n`);
    this.log = {
      info: line(''),
      warn: line('warning: '),
      error: line('error: '),
      debug: (message) => {
        if (env.THREADR_DEBUG) line('debug: ')(message);
      },
      group: async (title, work) => {
        line('▶ ')(title);
        this.depth++;
        try {
          return await work();
        } finally {
          this.depth--;
        }
      },
    };
  }

  setSecret(value: string): void {
    if (value.length > 0) this.secrets.add(value);
  }

  setOutput(name: string, value: string | number | boolean): void {
    this.outputs[name] = String(value);
  }

  async writeSummary(markdown: string): Promise<void> {
    this.print(`\n${this.redact(markdown)}\n`);
  }

  fail(message: string): void {
    this.failed = message;
    this.write(`error: ${this.redact(message)}\n`);
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) result = result.split(secret).join('***');
    return result;
  }

  /** Outputs for the terminal: scalars one per line; the JSON report only when asked. */
  printOutputs(includeReport: boolean): void {
    const names = Object.keys(this.outputs).filter((name) => includeReport || name !== 'report');
    if (names.length === 0) return;
    this.print('\nOutputs:\n');
    for (const name of names) this.print(`  ${name}: ${this.redact(this.outputs[name])}\n`);
  }
}
