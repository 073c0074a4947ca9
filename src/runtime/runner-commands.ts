import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';

/**
 * The Actions runner contract (reference §3.3) for what the health check does before its first
 * request, before @actions/core is loaded (runner-host.ts says why): inputs, masks, log lines,
 * groups, and outputs of a run that ends before any request left. The formats are @actions/core's
 * own (command escaping, heredoc env files with a random delimiter).
 */

/** `core.getInput(name, { trimWhitespace: false })`: INPUT_<NAME>, spaces as underscores. */
export function readInput(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '';
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::command key=value::message` on stdout. */
export function issueCommand(command: string, message: string, properties: Record<string, string> = {}): void {
  const props = Object.entries(properties)
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',');
  process.stdout.write(`::${command}${props ? ` ${props}` : ''}::${escapeData(message)}${EOL}`);
}

export function writeLine(message: string): void {
  process.stdout.write(`${message}${EOL}`);
}

/**
 * Appends `name<<delimiter` … `delimiter` to GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV at once, so
 * an output survives even if the job is cancelled a moment later (the deploy's rollback-plan).
 */
export function appendFileCommand(file: 'OUTPUT' | 'STATE' | 'ENV', name: string, value: string): void {
  const path = process.env[`GITHUB_${file}`];
  if (!path) {
    // Outside a runner (a plain `node dist/...` run): say it on stdout rather than lose it.
    writeLine(`${name}=${value}`);
    return;
  }
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter))
    throw new Error(`output ${name} contains its own delimiter`);
  appendFileSync(path, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, { encoding: 'utf8' });
}
