import { join } from 'node:path';
import { readActionMetadata } from '../core/action-metadata.js';
import { ConfigurationError } from '../core/errors.js';
import { runAction } from '../runtime/run-action.js';
import { TerminalHost } from '../runtime/terminal-host.js';
import { ACTIONS } from './actions.js';
import { helpText, parseActionArgs } from './args.js';
import { COMMANDS } from './commands.js';
import { packageRoot } from './package-root.js';

function usage(): string {
  return [
    'threadr-ops: run any threadr-ops action locally, with the same code as on GitHub.',
    '',
    'Usage: threadr-ops <action> [--input value ...]   (threadr-ops <action> --help lists its inputs)',
    '',
    `Actions: ${Object.keys(ACTIONS).join(', ')}`,
    `Other commands: ${Object.keys(COMMANDS).join(', ')}`,
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    console.log(usage());
    return command ? 0 : 2;
  }
  if (command in COMMANDS) return COMMANDS[command](rest);
  const definition = ACTIONS[command];
  if (!definition) {
    console.error(`threadr-ops: unknown action '${command}'\n\n${usage()}`);
    return 2;
  }
  const metadata = readActionMetadata(join(packageRoot(), 'actions', command, 'action.yml'));
  let parsed;
  try {
    parsed = parseActionArgs(rest, metadata, process.env);
  } catch (error) {
    if (error instanceof ConfigurationError) {
      console.error(`${command}: flag --${error.input} ${error.problem}`);
      return 2;
    }
    throw error;
  }
  if (parsed.help) {
    console.log(helpText(command, metadata));
    return 0;
  }
  const host = new TerminalHost(command, parsed.values, process.env, undefined, parsed.json ? () => {} : undefined);
  await runAction(definition, host);
  if (parsed.json) console.log(host.redact(JSON.stringify(host.outputs, null, 2)));
  else host.printOutputs(false);
  return host.failed ? 1 : 0;
}
