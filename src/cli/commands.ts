import { runDemo } from '../demo/demo.js';
import { runEmulatorCli } from '../emulator/cli.js';
import { runWorkflowCommand } from '../local-runner/command.js';
import { ACTIONS } from './actions.js';
import { packageRoot } from './package-root.js';

/** Commands of the CLI that are not actions. */
export const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  emulator: (argv) => runEmulatorCli(argv),
  workflow: (argv) =>
    runWorkflowCommand(argv, {
      root: packageRoot(),
      actions: ACTIONS,
      env: process.env,
      write: (text) => process.stderr.write(text),
      print: (text) => process.stdout.write(text),
    }),
  async demo(argv) {
    const started = Date.now();
    const result = await runDemo({
      root: packageRoot(),
      actions: ACTIONS,
      write: (text) => process.stderr.write(text),
      print: (text) => process.stdout.write(text),
      verbose: argv.includes('--verbose'),
    });
    process.stderr.write(`\ndemo finished in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    const [good, broken, slow] = result.runs;
    // The demo succeeds when the pipeline did what it promises: the good commit promoted and verified, the
    // broken one and the slow one never promoted, production still serving the good one.
    const kept =
      good?.status === 'verified' &&
      broken?.status === 'not-promoted' &&
      slow?.status === 'held' &&
      result.productionSha === good.sha;
    return kept ? 0 : 1;
  },
};
