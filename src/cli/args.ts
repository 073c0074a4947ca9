import { ConfigurationError } from '../core/errors.js';
import type { ActionMetadata } from '../core/action-metadata.js';
import { evaluateDefault } from '../local-runner/github-context.js';

export interface ParsedArgs {
  values: Record<string, string>;
  help: boolean;
  json: boolean;
}

/**
 * Environment variables that can carry an input, so secrets never sit on a command line:
 * THREADR_<INPUT> for any input, and the usual unprefixed name for credentials (VERCEL_TOKEN,
 * OPENAI_ADMIN_KEY, SLACK_WEBHOOK_URL), which CI systems and shells already hold under those names.
 */
export function envNamesFor(input: string): string[] {
  const name = input.toUpperCase().replace(/-/g, '_');
  return /(TOKEN|KEY|EMAIL|WEBHOOK_URL)$/.test(name) ? [`THREADR_${name}`, name] : [`THREADR_${name}`];
}

function fromEnv(input: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const name of envNamesFor(input)) if (env[name] !== undefined) return env[name];
  return undefined;
}

/**
 * `--name value`, `--name=value`, a bare `--flag` for true; a repeated flag joins its values with
 * newlines (several URLs). Inputs not on the command line come from the environment
 * (`--vercel-token` ← THREADR_VERCEL_TOKEN or VERCEL_TOKEN), then from action.yml's default.
 */
export function parseActionArgs(
  argv: string[],
  metadata: ActionMetadata,
  env: Readonly<Record<string, string | undefined>>,
): ParsedArgs {
  const given: Record<string, string[]> = {};
  let help = false;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--json') {
      json = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new ConfigurationError(arg, 'is not a flag; inputs are given as --name value');
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!(name in metadata.inputs)) {
      const known = Object.keys(metadata.inputs).join(', ');
      throw new ConfigurationError(name, `is not an input of this action; its inputs are ${known}`);
    }
    let value: string;
    if (eq > 0) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    else value = 'true';
    (given[name] ??= []).push(value);
  }
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(metadata.inputs)) {
    values[name] = given[name]?.join('\n') ?? fromEnv(name, env) ?? evaluateDefault(spec.default, env);
  }
  return { values, help, json };
}

export function helpText(action: string, metadata: ActionMetadata): string {
  const lines = [
    `threadr-ops ${action}: ${metadata.description}`,
    '',
    'Inputs (flag, or an environment variable in brackets):',
  ];
  for (const [name, spec] of Object.entries(metadata.inputs)) {
    const def = spec.default ? ` (default: ${spec.default.split('\n')[0]})` : '';
    lines.push(`  --${name} [${envNamesFor(name).join(', ')}]${def}`, `      ${spec.description}`);
  }
  lines.push(
    '',
    'Outputs:',
    ...Object.entries(metadata.outputs).map(([name, spec]) => `  ${name}: ${spec.description}`),
  );
  lines.push('', '--json prints the outputs (with the JSON report) as one JSON object instead of the summary.');
  return lines.join('\n');
}
