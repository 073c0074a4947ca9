import { unexpectedShape } from './errors.js';
import { railwayGraphql, type RailwayGraphqlOptions } from './railway-graphql.js';

/**
 * Railway service variables (docs/backups.md, "Railway"), with the operations of Railway's own CLI:
 * the `variables` query (a JSON object of name → value) and the `variableCollectionUpsert` mutation.
 */

export interface RailwayServiceRef {
  projectId: string;
  environmentId: string;
  serviceId: string;
}

// unrendered: references such as ${{Postgres.DATABASE_URL}} are kept as written, so a restore
// recreates the reference instead of freezing the value it had on the day of the backup.
const VARIABLES = `query Variables($projectId: String!, $environmentId: String!, $serviceId: String) {
  variables(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId, unrendered: true)
}`;

const UPSERT = `mutation VariableCollectionUpsert($projectId: String!, $environmentId: String!, $serviceId: String!, $variables: EnvironmentVariables!) {
  variableCollectionUpsert(input: {projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId, variables: $variables})
}`;

const DELETE = `mutation VariableDelete($projectId: String!, $environmentId: String!, $serviceId: String!, $name: String!) {
  variableDelete(input: {projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId, name: $name})
}`;

export class RailwayVariablesClient {
  constructor(private readonly options: RailwayGraphqlOptions) {}

  async list(ref: RailwayServiceRef): Promise<Record<string, string>> {
    const data = await railwayGraphql<{ variables?: unknown }>(this.options, {
      operationName: 'Variables',
      query: VARIABLES,
      variables: { ...ref },
      transient: true,
    });
    const vars = data.variables;
    if (!vars || typeof vars !== 'object' || Array.isArray(vars))
      throw unexpectedShape('railway', 'Variables', 'variables is not an object');
    return Object.fromEntries(
      Object.entries(vars as Record<string, unknown>).map(([name, value]) => [name, String(value)]),
    );
  }

  async upsert(ref: RailwayServiceRef, variables: Record<string, string>): Promise<void> {
    await railwayGraphql(this.options, {
      operationName: 'VariableCollectionUpsert',
      query: UPSERT,
      variables: { ...ref, variables },
      mutation: true,
    });
  }

  async delete(ref: RailwayServiceRef, name: string): Promise<void> {
    await railwayGraphql(this.options, {
      operationName: 'VariableDelete',
      query: DELETE,
      variables: { ...ref, name },
      mutation: true,
    });
  }
}
