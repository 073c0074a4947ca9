import { unexpectedShape } from './errors.js';
import { railwayGraphql, type RailwayGraphqlOptions } from './railway-graphql.js';
import type { CostHttp } from './cost-http.js';

/**
 * Railway usage and estimated usage, for cost. `includeDeleted: true` as the official `railway
 * usage` sends it: a service deleted this month was still billed (docs/platform-behaviour.md
 * "Railway usage").
 */

export type MetricMeasurement = 'CPU_USAGE' | 'MEMORY_USAGE_GB' | 'NETWORK_TX_GB' | 'DISK_USAGE_GB' | 'BACKUP_USAGE_GB';

export interface RailwayUsageOptions extends RailwayGraphqlOptions {
  http: CostHttp;
  projectId?: string;
  workspaceId?: string;
}

export interface UsagePeriod {
  /** ISO-8601 UTC, inclusive. */
  startDate: string;
  /** ISO-8601 UTC, exclusive. */
  endDate: string;
}

export type UsageValues = Partial<Record<MetricMeasurement, number>>;

export class RailwayUsageClient {
  readonly provider = 'railway';
  constructor(private readonly options: RailwayUsageOptions) {}

  /**
   * Usage of several periods in one request: one aliased `usage` field per period (GraphQL
   * aliases), so a month of days costs a few requests, not thirty.
   */
  async usage(periods: readonly UsagePeriod[], measurements: readonly MetricMeasurement[]): Promise<UsageValues[]> {
    const declarations = ['$measurements: [MetricMeasurement!]!', '$projectId: String', '$workspaceId: String'];
    const fields: string[] = [];
    const variables: Record<string, unknown> = {
      measurements,
      projectId: this.options.projectId,
      workspaceId: this.options.workspaceId,
    };
    periods.forEach((period, index) => {
      declarations.push(`$start${index}: DateTime`, `$end${index}: DateTime`);
      variables[`start${index}`] = period.startDate;
      variables[`end${index}`] = period.endDate;
      fields.push(
        `p${index}: usage(measurements: $measurements, projectId: $projectId, workspaceId: $workspaceId, startDate: $start${index}, endDate: $end${index}, includeDeleted: true) { measurement value }`,
      );
    });
    const data = await this.graphql(
      'CostUsage',
      `query CostUsage(${declarations.join(', ')}) { ${fields.join(' ')} }`,
      variables,
    );
    return periods.map((_, index) => usageValues(data[`p${index}`], `usage p${index}`, 'value'));
  }

  /** Railway's own estimate for the end of the current billing cycle, per measurement. */
  async estimatedUsage(measurements: readonly MetricMeasurement[]): Promise<UsageValues> {
    const data = await this.graphql(
      'CostEstimatedUsage',
      'query CostEstimatedUsage($measurements: [MetricMeasurement!]!, $projectId: String, $workspaceId: String) { estimatedUsage(measurements: $measurements, projectId: $projectId, workspaceId: $workspaceId, includeDeleted: true) { measurement estimatedValue } }',
      { measurements, projectId: this.options.projectId, workspaceId: this.options.workspaceId },
    );
    return usageValues(data.estimatedUsage, 'estimatedUsage', 'estimatedValue');
  }

  private graphql(
    operationName: string,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    // Usage reads may fail for a moment (rate limits): the cost monitor may try them again.
    return railwayGraphql<Record<string, unknown>>(this.options, { operationName, query, variables, transient: true });
  }
}

function usageValues(raw: unknown, what: string, field: 'value' | 'estimatedValue'): UsageValues {
  if (!Array.isArray(raw)) throw unexpectedShape('railway', what, 'expected a list of measurements');
  const values: UsageValues = {};
  for (const item of raw) {
    const entry = item as Record<string, unknown> | null;
    const value = entry?.[field];
    if (!entry || typeof entry.measurement !== 'string' || typeof value !== 'number' || !Number.isFinite(value)) {
      throw unexpectedShape('railway', what, `each item needs a measurement and a numeric ${field}`);
    }
    const key = entry.measurement as MetricMeasurement;
    values[key] = (values[key] ?? 0) + value;
  }
  return values;
}
