import type { RunOutcomeState } from '../core/outcome.js';
import type { NotifyOn } from './settings.js';

/**
 * Whether this run is worth a message. `failure` sends whenever the run was not a success;
 * `change` sends when the state differs from the last recorded one (a first run is sent only if
 * it is not a success, so a quiet system stays quiet).
 */
export function shouldNotify(
  notifyOn: NotifyOn,
  state: RunOutcomeState,
  previous: RunOutcomeState | undefined,
): boolean {
  switch (notifyOn) {
    case 'never':
      return false;
    case 'always':
      return true;
    case 'failure':
      return state !== 'success';
    case 'change':
      return previous === undefined ? state !== 'success' : previous !== state;
  }
}
