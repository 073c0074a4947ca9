import type { ActionDefinition } from '../core/host.js';
import { definition as backup } from '../backup/main.js';
import { definition as canary } from '../canary/main.js';
import { definition as costMonitor } from '../cost-monitor/main.js';
import { definition as dashboard } from '../dashboard/main.js';
import { definition as deploy } from '../deploy/main.js';
import { definition as healthCheck } from '../health-check/main.js';
import { definition as loadTest } from '../load-test/main.js';
import { definition as notify } from '../notify/main.js';
import { definition as remediate } from '../remediate/main.js';
import { definition as promote } from '../promote/main.js';
import { definition as restore } from '../restore/main.js';
import { definition as rollback } from '../rollback/main.js';
import { definition as securityScan } from '../security-scan/main.js';

/** Every action the CLI can run, by the name of its folder under actions/. */
export const ACTIONS: Record<string, ActionDefinition> = {
  deploy,
  rollback,
  'health-check': healthCheck,
  'load-test': loadTest,
  'cost-monitor': costMonitor,
  'security-scan': securityScan,
  notify,
  dashboard,
  backup,
  restore,
  remediate,
  canary,
  promote,
};
