/**
 * The part of Railway's public GraphQL schema the emulator serves, as SDL. Written from Railway's
 * published schema (the introspection snapshot the official CLI ships, railwayapp/cli
 * src/gql/schema.json; see docs/platform-behaviour.md "Railway GraphQL"):
 *
 * - Root fields carry Railway's exact argument lists and result types, so a misspelled or unknown
 *   argument, input field or enum value is the validation error Railway gives.
 * - Object types list the subset of Railway's fields the emulator can answer; each field has
 *   Railway's type. Asking for a field outside the subset is refused like an unknown field: add it
 *   here (with Railway's type) and serve it from the resolver to widen the subset.
 *
 * Adding an operation: put the root field (Railway's signature) and any types it needs below, or
 * in an extension's `railwaySchema` (`extend type Query { … }`), and give it a resolver
 * (`FIELDS` in railway.ts or the extension's `railwayFields`). A resolver without a schema field
 * is refused when the emulator starts.
 */
/**
 * Railway's enum DeploymentStatus (the CLI's schema.json), written once: the SDL below lists these
 * values and the emulator's RailwayStatus type is made of them, so the model can never hold a status
 * the schema would refuse to serialize (graphql-js fails the field on an enum value it does not know).
 * Taken from Railway's schema, not from our client (src/providers/railway.ts), so a status the client
 * forgot is still one the emulator can answer with.
 */
export const DEPLOYMENT_STATUSES = [
  'BUILDING',
  'CRASHED',
  'DEPLOYING',
  'FAILED',
  'INITIALIZING',
  'NEEDS_APPROVAL',
  'QUEUED',
  'REMOVED',
  'REMOVING',
  'SKIPPED',
  'SLEEPING',
  'SUCCESS',
  'WAITING',
] as const;

export type RailwayStatus = (typeof DEPLOYMENT_STATUSES)[number];

export const RAILWAY_SDL = /* GraphQL */ `
  scalar DateTime
  scalar JSON
  scalar DeploymentMeta
  scalar EnvironmentVariables

  type Query {
    deployment(id: String!): Deployment!
    deployments(
      after: String
      before: String
      first: Int
      input: DeploymentListInput!
      last: Int
    ): QueryDeploymentsConnection!
    buildLogs(deploymentId: String!, endDate: DateTime, filter: String, limit: Int, startDate: DateTime): [Log!]!
    deploymentLogs(deploymentId: String!, endDate: DateTime, filter: String, limit: Int, startDate: DateTime): [Log!]!
    serviceInstance(environmentId: String!, serviceId: String!): ServiceInstance!
    project(id: String!): Project!
    projectToken: ProjectToken!
    me: User!
    usage(
      endDate: DateTime
      groupBy: [MetricTag!]
      includeDeleted: Boolean
      measurements: [MetricMeasurement!]!
      projectId: String
      startDate: DateTime
      workspaceId: String
    ): [AggregatedUsage!]!
    estimatedUsage(
      includeDeleted: Boolean
      measurements: [MetricMeasurement!]!
      projectId: String
      workspaceId: String
    ): [EstimatedUsage!]!
    variables(environmentId: String!, projectId: String!, serviceId: String, unrendered: Boolean): EnvironmentVariables!
  }

  type Mutation {
    serviceInstanceDeployV2(commitSha: String, environmentId: String!, serviceId: String!): String!
    serviceInstanceDeploy(
      commitSha: String
      environmentId: String!
      latestCommit: Boolean
      serviceId: String!
    ): Boolean!
    serviceInstanceRedeploy(environmentId: String!, serviceId: String!): Boolean!
    serviceInstanceUpdate(environmentId: String, input: ServiceInstanceUpdateInput!, serviceId: String!): Boolean!
    deploymentRedeploy(id: String!, usePreviousImageTag: Boolean): Deployment!
    deploymentRollback(id: String!): Boolean!
    deploymentCancel(id: String!): Boolean!
    deploymentRestart(id: String!): Boolean!
    deploymentStop(id: String!): Boolean!
    deploymentRemove(id: String!): Boolean!
    variableCollectionUpsert(input: VariableCollectionUpsertInput!): Boolean!
    variableUpsert(input: VariableUpsertInput!): Boolean!
    variableDelete(input: VariableDeleteInput!): Boolean!
  }

  enum DeploymentStatus {
    ${DEPLOYMENT_STATUSES.join('\n    ')}
  }
  enum DeploymentInstanceStatus {
    CRASHED
    CREATED
    EXITED
    INITIALIZING
    REMOVED
    REMOVING
    RESTARTING
    RUNNING
    SKIPPED
    STOPPED
  }
  enum MetricMeasurement {
    BACKUP_USAGE_GB
    CPU_LIMIT
    CPU_USAGE
    CPU_USAGE_2
    DISK_USAGE_GB
    EPHEMERAL_DISK_USAGE_GB
    MEASUREMENT_UNSPECIFIED
    MEMORY_LIMIT_GB
    MEMORY_USAGE_GB
    NETWORK_RX_GB
    NETWORK_TX_GB
    UNRECOGNIZED
  }
  enum MetricTag {
    DEPLOYMENT_ID
    DEPLOYMENT_INSTANCE_ID
    ENVIRONMENT_ID
    HOST_TYPE
    KEY_UNSPECIFIED
    PLUGIN_ID
    PROJECT_ID
    REGION
    SERVICE_ID
    UNRECOGNIZED
    VOLUME_ID
    VOLUME_INSTANCE_ID
  }
  enum SortOrder {
    asc
    desc
  }
  enum Builder {
    HEROKU
    NIXPACKS
    PAKETO
    RAILPACK
  }
  enum RestartPolicyType {
    ALWAYS
    NEVER
    ON_FAILURE
  }

  input DeploymentListInput {
    environmentId: String
    includeDeleted: Boolean
    projectId: String
    serviceId: String
    status: DeploymentStatusInput
  }

  input DeploymentStatusInput {
    in: [DeploymentStatus!]
    notIn: [DeploymentStatus!]
  }

  input VariableCollectionUpsertInput {
    environmentId: String!
    projectId: String!
    replace: Boolean = false
    serviceId: String
    skipDeploys: Boolean = false
    variables: EnvironmentVariables!
  }

  input VariableUpsertInput {
    environmentId: String!
    name: String!
    projectId: String!
    serviceId: String
    skipDeploys: Boolean = false
    value: String!
  }

  input VariableDeleteInput {
    environmentId: String!
    name: String!
    projectId: String!
    serviceId: String
  }

  input ServiceInstanceUpdateInput {
    buildCommand: String
    builder: Builder
    cronSchedule: String
    dockerfilePath: String
    drainingSeconds: Int
    healthcheckPath: String
    healthcheckTimeout: Int
    ipv6EgressEnabled: Boolean
    multiRegionConfig: JSON
    nixpacksPlan: JSON
    numReplicas: Int
    overlapSeconds: Int
    preDeployCommand: [String!]
    railwayConfigFile: String
    region: String
    registryCredentials: RegistryCredentialsInput
    restartPolicyMaxRetries: Int
    restartPolicyType: RestartPolicyType
    rootDirectory: String
    sleepApplication: Boolean
    source: ServiceSourceInput
    startCommand: String
    watchPatterns: [String!]
  }

  input RegistryCredentialsInput {
    password: String!
    username: String!
  }

  input ServiceSourceInput {
    image: String
    repo: String
  }

  type Deployment {
    canRedeploy: Boolean!
    canRollback: Boolean!
    createdAt: DateTime!
    creator: DeploymentCreator
    deploymentStopped: Boolean!
    environment: Environment!
    environmentId: String!
    id: ID!
    instances: [DeploymentDeploymentInstance!]!
    meta: DeploymentMeta
    projectId: String!
    service: Service!
    serviceId: String
    snapshotId: String
    staticUrl: String
    status: DeploymentStatus!
    statusUpdatedAt: DateTime
    suggestAddServiceDomain: Boolean!
    updatedAt: DateTime!
    url: String
  }

  type DeploymentCreator {
    avatar: String
    email: String!
    id: String!
    name: String
  }

  type DeploymentDeploymentInstance {
    id: String!
    status: DeploymentInstanceStatus!
  }

  type QueryDeploymentsConnection {
    edges: [QueryDeploymentsConnectionEdge!]!
    pageInfo: PageInfo!
  }

  type QueryDeploymentsConnectionEdge {
    cursor: String!
    node: Deployment!
  }

  type PageInfo {
    endCursor: String
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
  }

  type Environment {
    id: ID!
    name: String!
  }

  type Service {
    id: ID!
    name: String!
  }

  type ServiceInstance {
    activeDeployments: [Deployment!]!
    environmentId: String!
    healthcheckPath: String
    id: ID!
    latestDeployment: Deployment
    numReplicas: Int
    serviceId: String!
    serviceName: String!
  }

  type Project {
    environments(
      after: String
      before: String
      first: Int
      isEphemeral: Boolean
      last: Int
      sort: SortOrder
    ): ProjectEnvironmentsConnection!
    id: ID!
    name: String!
    services(after: String, before: String, first: Int, last: Int): ProjectServicesConnection!
  }

  type ProjectEnvironmentsConnection {
    edges: [ProjectEnvironmentsConnectionEdge!]!
  }

  type ProjectEnvironmentsConnectionEdge {
    node: Environment!
  }

  type ProjectServicesConnection {
    edges: [ProjectServicesConnectionEdge!]!
  }

  type ProjectServicesConnectionEdge {
    node: Service!
  }

  type ProjectToken {
    environmentId: String!
    projectId: String!
  }

  type User {
    email: String!
    id: ID!
    name: String
  }

  type Log {
    attributes: [LogAttribute!]!
    message: String!
    severity: String
    timestamp: String!
  }

  type LogAttribute {
    key: String!
    value: String!
  }

  type AggregatedUsage {
    measurement: MetricMeasurement!
    tags: MetricTags!
    value: Float!
  }

  type MetricTags {
    deploymentId: String
    deploymentInstanceId: String
    environmentId: String
    projectId: String
    region: String
    serviceId: String
    volumeId: String
    volumeInstanceId: String
  }

  type EstimatedUsage {
    estimatedValue: Float!
    measurement: MetricMeasurement!
    projectId: String!
  }
`;
