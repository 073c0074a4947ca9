/**
 * Fake Railway `usage` and `estimatedUsage` root fields (docs/platform-behaviour.md §2.4), from per-day fixtures
 * per project. Units follow the UNCONFIRMED assumption of the cost monitor: CPU_USAGE in
 * vCPU-minutes, MEMORY_USAGE_GB and DISK_USAGE_GB in GB-minutes, NETWORK_TX_GB in GB.
 */
import { GraphQLFieldError, type EmulatorExtension } from './extension-api.js';
import { demoCostStates } from './fixtures/cost/months.js';

const MEASUREMENTS = new Set([
  'CPU_USAGE',
  'CPU_USAGE_2',
  'CPU_LIMIT',
  'MEMORY_USAGE_GB',
  'MEMORY_LIMIT_GB',
  'NETWORK_RX_GB',
  'NETWORK_TX_GB',
  'DISK_USAGE_GB',
  'EPHEMERAL_DISK_USAGE_GB',
  'BACKUP_USAGE_GB',
  'MEASUREMENT_UNSPECIFIED',
  'UNRECOGNIZED',
]);

export interface RailwayUsageEmuState extends Record<string, unknown> {
  /** projectId → UTC day → measurement → value for that day. */
  usage: Record<string, Record<string, Record<string, number>>>;
  /** projectId → measurement → estimated value at the end of the billing cycle. */
  estimated: Record<string, Record<string, number>>;
}

const DAY_MS = 86_400_000;

function measurementsOf(args: Record<string, unknown>): string[] {
  const list = args.measurements;
  if (!Array.isArray(list) || list.some((m) => typeof m !== 'string' || !MEASUREMENTS.has(m))) {
    throw new GraphQLFieldError(`Variable "$measurements" got invalid value ${JSON.stringify(list)}`, {
      code: 'BAD_USER_INPUT',
    });
  }
  return list as string[];
}

function projectsOf(
  args: Record<string, unknown>,
  ctx: Parameters<NonNullable<EmulatorExtension['railwayFields']>[string]>[1],
  state: RailwayUsageEmuState,
): string[] {
  const projectId = typeof args.projectId === 'string' ? args.projectId : undefined;
  if (projectId) {
    ctx.authorize(projectId);
    return [projectId];
  }
  if (ctx.auth.kind === 'project') return [ctx.auth.projectId];
  return Object.keys(state.usage);
}

export const railwayUsageExtension: EmulatorExtension<RailwayUsageEmuState> = {
  name: 'cost-railway',
  initialState: () => ({ usage: {}, estimated: {} }),
  railwayFields: {
    usage(args, ctx) {
      const measurements = measurementsOf(args);
      const projects = projectsOf(args, ctx, ctx.state);
      const now = ctx.clock.now();
      const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
      const start = typeof args.startDate === 'string' ? Date.parse(args.startDate) : monthStart;
      const end = typeof args.endDate === 'string' ? Date.parse(args.endDate) : now;
      if (Number.isNaN(start) || Number.isNaN(end))
        throw new GraphQLFieldError('Invalid DateTime', { code: 'BAD_USER_INPUT' });
      const result: unknown[] = [];
      for (const projectId of projects) {
        const days = ctx.state.usage[projectId] ?? {};
        for (const measurement of measurements) {
          let value = 0;
          for (const [day, values] of Object.entries(days)) {
            const t = Date.parse(`${day}T00:00:00Z`);
            // A day counts when its start is in [start, end): the cost monitor asks day by day.
            if (t >= start && t < end && t + DAY_MS > start) value += values[measurement] ?? 0;
          }
          result.push({ measurement, value, tags: { projectId } });
        }
      }
      return result;
    },
    estimatedUsage(args, ctx) {
      const measurements = measurementsOf(args);
      const projects = projectsOf(args, ctx, ctx.state);
      return projects.flatMap((projectId) =>
        measurements.map((measurement) => ({
          measurement,
          estimatedValue: ctx.state.estimated[projectId]?.[measurement] ?? 0,
          projectId,
        })),
      );
    },
  },
  seedDemo(ctx) {
    Object.assign(ctx.state, demoCostStates(ctx.clock.now())['cost-railway']);
  },
};
