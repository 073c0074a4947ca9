import { githubRun, type GitHubRun } from '../core/github-context.js';
import type { ActionDefinition, ActionHost } from '../core/host.js';
import type { InputReader } from '../core/inputs.js';
import { buildCollaborators, type Collaborators, type Overrides } from './collaborators.js';
import type { PlatformSettings } from './inputs.js';

/** What every release action's settings carry: the platforms, and for a frontend deploy the Git source Vercel builds. */
export interface ReleaseActionSettings {
  platform: PlatformSettings;
  git?: { org: string; repo: string; branch: string };
}

export interface ReleaseAction<S extends ReleaseActionSettings> {
  name: string;
  getInputs: (inputs: InputReader, run: GitHubRun) => S;
  /** staged: Vercel production builds do not take the domains (deploy's `strategy`); direct when unset. */
  strategy?: (settings: S) => 'staged' | 'direct';
  /** The action's own part: call the release logic, set the outputs, write the summary, fail or not. */
  run: (host: ActionHost, settings: S, collaborators: Collaborators) => ReturnType<ActionDefinition['run']>;
}

/**
 * The frame deploy, promote and rollback share. `status` is `failed` until the action sets it, so
 * the outputs exist even when a run stops early (bad input, a crash) and the next step can decide;
 * every input is read before any request; the HTTP client the collaborators share is closed however
 * the run ends (a keep-alive socket would keep the step running).
 */
export function releaseAction<S extends ReleaseActionSettings>(
  action: ReleaseAction<S>,
  overrides: Overrides,
): ActionDefinition {
  return {
    name: action.name,
    async run(host: ActionHost) {
      host.setOutput('status', 'failed');
      // The run (repository, ref, API URL) is resolved first so the inputs are still all read, and
      // refused, before any request; host.env is the local runner's own environment when in-process.
      const settings = action.getInputs(host.inputs, await githubRun(host.env));
      const collaborators = buildCollaborators(
        settings.platform,
        host.log,
        host.env,
        overrides,
        settings.git,
        action.strategy?.(settings) ?? 'direct',
      );
      try {
        return await action.run(host, settings, collaborators);
      } finally {
        await collaborators.http.close();
      }
    },
  };
}
