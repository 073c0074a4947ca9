import { unexpectedShape } from './errors.js';
import { railwayGraphql, type RailwayGraphqlOptions } from './railway-graphql.js';
import type { RailwayServiceRef } from './railway-variables.js';

/**
 * A Railway service's replicas in one environment (docs/platform-behaviour.md §9): read from
 * `serviceInstance { numReplicas }`, set with `serviceInstanceUpdate(input: { numReplicas })`,
 * both Railway's published signatures.
 */

const READ = `query ServiceInstanceReplicas($serviceId: String!, $environmentId: String!) {
  serviceInstance(serviceId: $serviceId, environmentId: $environmentId) { numReplicas }
}`;

const UPDATE = `mutation ServiceInstanceUpdate($serviceId: String!, $environmentId: String!, $numReplicas: Int!) {
  serviceInstanceUpdate(serviceId: $serviceId, environmentId: $environmentId, input: { numReplicas: $numReplicas })
}`;

export class RailwayReplicasClient {
  constructor(private readonly options: RailwayGraphqlOptions) {}

  /** The replicas now; Railway leaves numReplicas null when it was never set, which is one replica. */
  async get(ref: RailwayServiceRef): Promise<number> {
    const data = await railwayGraphql<{ serviceInstance?: { numReplicas?: unknown } }>(this.options, {
      operationName: 'ServiceInstanceReplicas',
      query: READ,
      variables: { serviceId: ref.serviceId, environmentId: ref.environmentId },
      transient: true,
    });
    const replicas = data.serviceInstance?.numReplicas;
    if (replicas === null || replicas === undefined) return 1;
    if (!Number.isInteger(replicas))
      throw unexpectedShape('railway', 'ServiceInstanceReplicas', 'numReplicas is not an integer');
    return replicas as number;
  }

  async set(ref: RailwayServiceRef, replicas: number): Promise<void> {
    await railwayGraphql(this.options, {
      operationName: 'ServiceInstanceUpdate',
      query: UPDATE,
      variables: { serviceId: ref.serviceId, environmentId: ref.environmentId, numReplicas: replicas },
      mutation: true,
    });
  }
}
