import type { ActionHost, Logger } from '../core/host.js';
import { redact, registerSecret } from '../core/redact.js';

/** GitHub shows this many annotations of each level per step; more are dropped without a word. */
export const ANNOTATIONS_PER_LEVEL = 10;

export interface RedactingHost extends ActionHost {
  /** Says how many warnings and errors were logged without an annotation; call once, at the end. */
  reportHiddenAnnotations(): void;
}

/**
 * The seam every action writes through (runAction applies it), whatever host sits below: every
 * log line, output, summary and failure message passes the process redactor, and every value an
 * input masks is registered with it. Independent of how the host below talks to the runner.
 *
 * It also keeps annotations useful: past ten warnings (or errors) in a step GitHub shows none of
 * the rest, so further ones go to the log as plain lines and one closing line says how many there
 * were and that the summary lists them.
 */
export function redactingHost(host: ActionHost): RedactingHost {
  const hidden = { warning: 0, error: 0 };
  const shown = { warning: 0, error: 0 };
  const annotate = (level: 'warning' | 'error', write: (message: string) => void) => (message: string) => {
    const text = redact(message);
    if (shown[level] < ANNOTATIONS_PER_LEVEL) {
      shown[level]++;
      write(text);
    } else {
      hidden[level]++;
      host.log.info(`${level}: ${text}`);
    }
  };
  const log: Logger = {
    info: (message) => host.log.info(redact(message)),
    debug: (message) => host.log.debug(redact(message)),
    warn: annotate('warning', (text) => host.log.warn(text)),
    error: annotate('error', (text) => host.log.error(text)),
    group: (title, work) => host.log.group(redact(title), work),
  };
  return {
    action: host.action,
    env: host.env,
    inputs: host.inputs.withMasker(registerSecret),
    log,
    setSecret(value) {
      registerSecret(value);
      host.setSecret(value);
    },
    setOutput: (name, value) => host.setOutput(name, typeof value === 'string' ? redact(value) : value),
    writeSummary: (markdown) => host.writeSummary(redact(markdown)),
    fail(message) {
      // The failure line is always annotated: it is the one a reader looks for first.
      shown.error++;
      host.fail(redact(message));
    },
    reportHiddenAnnotations() {
      const parts = (['error', 'warning'] as const)
        .filter((level) => hidden[level] > 0)
        .map((level) => `${hidden[level]} more ${level}(s)`);
      if (parts.length)
        host.log.info(
          `${parts.join(' and ')} not shown as annotations (GitHub shows ${ANNOTATIONS_PER_LEVEL} per step): see the log above and the job summary`,
        );
    },
  };
}
