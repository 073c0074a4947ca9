import type { ActionDefinition } from '../core/host.js';
import { definition as healthCheck } from '../health-check/main.js';

/** Every action the CLI can run, by the name of its folder under actions/. */
export const ACTIONS: Record<string, ActionDefinition> = {
  'health-check': healthCheck,
};
