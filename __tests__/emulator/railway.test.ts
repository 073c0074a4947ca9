import { operationsOf } from '../../src/emulator/graphql.js';
import { GraphQLFieldError, type EmulatorExtension } from '../../src/emulator/extension-api.js';
import { startEmulator, type Emulator, type SeededRailwayService } from '../../src/emulator/index.js';
import { bearer, call, graphql, sha } from './helpers.js';

const DEPLOY = `mutation Deploy($serviceId: String!, $environmentId: String!, $commitSha: String) {
  serviceInstanceDeployV2(serviceId: $serviceId, environmentId: $environmentId, commitSha: $commitSha)
}`;
const STATUS = `query DeploymentStatus($id: String!) { deployment(id: $id) { id status url staticUrl meta canRollback } }`;

describe('operation names for fault matching and the request log', () => {
  it('names the operation and its root fields, fragments expanded', () => {
    expect(operationsOf(`{ deployment(id: "1") { id } }`)).toEqual(['deployment']);
    expect(operationsOf(`query A { me { id } } query B { projectToken { projectId } }`, 'B')).toEqual([
      'B',
      'projectToken',
    ]);
    expect(operationsOf(`query Q { ...F } fragment F on Query { me { id } projectToken { projectId } }`)).toEqual([
      'Q',
      'me',
      'projectToken',
    ]);
    expect(operationsOf('query { deployment(id: "1") { id }')).toEqual([]);
  });
});

describe('Railway API', () => {
  let emu: Emulator;
  let account: Record<string, string>;
  let svc: SeededRailwayService;
  let url: string;

  beforeEach(async () => {
    emu = await startEmulator({ extensions: [] });
    account = bearer(emu.control.addRailwayAccountToken());
    svc = await emu.control.seedRailwayService({ successSha: sha(1), previousShas: [sha(0)] });
    url = emu.urls.railwayGraphql;
  });
  afterEach(async () => emu.stop());

  const deployCommit = async (commit: string, headers = account) => {
    const reply = await graphql(url, headers, DEPLOY, {
      serviceId: svc.serviceId,
      environmentId: svc.environmentId,
      commitSha: commit,
    });
    expect(reply.status).toBe(200);
    return reply.json().data.serviceInstanceDeployV2 as string;
  };
  const status = async (id: string, headers = account) =>
    (await graphql(url, headers, STATUS, { id })).json().data.deployment;

  it('buildLogs / deploymentLogs: Log objects, the newest `limit` lines, oldest first; scope checked (limit end UNCONFIRMED)', async () => {
    emu.control.setCommit(sha(7), { railway: { outcome: 'failed-build', buildLog: ['one', 'two', 'ERROR: three'] } });
    const id = await deployCommit(sha(7));
    const LOGS = `query L($deploymentId: String!, $limit: Int) { buildLogs(deploymentId: $deploymentId, limit: $limit) { timestamp message severity } deploymentLogs(deploymentId: $deploymentId) { message } }`;
    const reply = await graphql(url, account, LOGS, { deploymentId: id, limit: 2 });
    expect(reply.status).toBe(200);
    const data = reply.json().data;
    expect(data.buildLogs.map((l: { message: string }) => l.message)).toEqual(['two', 'ERROR: three']);
    expect(data.buildLogs[1].severity).toBe('error');
    expect(Date.parse(data.buildLogs[0].timestamp)).toBeLessThan(Date.parse(data.buildLogs[1].timestamp));
    // A build that failed never started: no runtime log.
    expect(data.deploymentLogs).toEqual([]);
    const stranger = {
      'project-access-token': emu.control.addRailwayProjectToken({ projectId: 'other', environmentId: 'other' }),
    };
    expect((await graphql(url, stranger, LOGS, { deploymentId: id })).json().errors[0].message).toBe('Not Authorized');
  });
  it('deploys a commit: id returned, commitHash in meta, INITIALIZING → BUILDING → DEPLOYING → SUCCESS, old one REMOVING → REMOVED', async () => {
    const id = await deployCommit(sha(2));
    expect(typeof id).toBe('string');
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push((await status(id)).status);
    expect(seen).toEqual(['BUILDING', 'DEPLOYING', 'SUCCESS']);
    const done = await status(id);
    expect(done).toMatchObject({ id, status: 'SUCCESS', meta: { commitHash: sha(2) }, canRollback: true });
    expect(done.url).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(done.staticUrl).toBe(svc.serviceHost);
    expect(emu.control.railwayDeployment(svc.deploymentId as string)?.status).toBe('REMOVED');
    const service = (await call(`${svc.serviceUrl}/health`)).json();
    expect(service.version).toBe(sha(2));
  });

  it('shows REMOVING for exactly one request after a new deployment succeeds', async () => {
    const id = await deployCommit(sha(3));
    await status(id);
    await status(id);
    expect((await status(id)).status).toBe('SUCCESS');
    expect(emu.control.railwayDeployment(svc.deploymentId as string)?.status).toBe('REMOVING');
    await status(id);
    expect(emu.control.railwayDeployment(svc.deploymentId as string)?.status).toBe('REMOVED');
  });

  it('a FAILED build leaves the old deployment SUCCESS and serving', async () => {
    emu.control.setCommit(sha(4), { railway: { outcome: 'failed-build' } });
    const id = await deployCommit(sha(4));
    expect((await status(id)).status).toBe('BUILDING');
    expect((await status(id)).status).toBe('FAILED');
    expect((await status(svc.deploymentId as string)).status).toBe('SUCCESS');
    const service = (await call(`${svc.serviceUrl}/health`)).json();
    expect(service.version).toBe(sha(1));
  });

  it('scripts SUCCESS → CRASHED', async () => {
    emu.control.setCommit(sha(5), { railway: { outcome: 'crash', crashAfterReads: 1 } });
    const id = await deployCommit(sha(5));
    for (let i = 0; i < 3; i++) await status(id);
    expect((await status(id)).status).toBe('CRASHED');
    expect((await call(`${svc.serviceUrl}/health`)).status).toBe(503);
  });

  it('lists deployments as a Relay connection, newest first, with status.in / notIn and cursors', async () => {
    const id = await deployCommit(sha(6));
    const query = `query Deployments($input: DeploymentListInput!, $first: Int, $after: String) {
      deployments(input: $input, first: $first, after: $after) { edges { cursor node { id status meta } } pageInfo { hasNextPage endCursor } } }`;
    const input = { projectId: svc.projectId, environmentId: svc.environmentId, serviceId: svc.serviceId };
    const page1 = (await graphql(url, account, query, { input, first: 2 })).json().data.deployments;
    expect(page1.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([id, svc.deploymentId]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await graphql(url, account, query, { input, first: 2, after: page1.pageInfo.endCursor })).json().data
      .deployments;
    expect(page2.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([svc.deploymentIds[0]]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    const success = (await graphql(url, account, query, { input: { ...input, status: { in: ['SUCCESS'] } } })).json()
      .data.deployments;
    expect(success.edges.map((edge: { node: { status: string } }) => edge.node.status)).toEqual(['SUCCESS']);
    const notRemoved = (
      await graphql(url, account, query, { input: { ...input, status: { notIn: ['REMOVED'] } } })
    ).json().data.deployments;
    expect(notRemoved.edges.every((edge: { node: { status: string } }) => edge.node.status !== 'REMOVED')).toBe(true);
  });

  it('can hide new deployments from lists for a few queries (list lag)', async () => {
    emu.control.configure({ railway: { listLag: 1 } });
    const id = await deployCommit(sha(7));
    const query = `{ deployments(input: { serviceId: "${svc.serviceId}" }, first: 1) { edges { node { id } } } }`;
    expect((await graphql(url, account, query)).json().data.deployments.edges[0].node.id).not.toBe(id);
    expect((await graphql(url, account, query)).json().data.deployments.edges[0].node.id).toBe(id);
  });

  it('serviceInstance returns latestDeployment and activeDeployments; aliases and __typename are honoured', async () => {
    const reply = await graphql(
      url,
      account,
      `query { si: serviceInstance(environmentId: "${svc.environmentId}", serviceId: "${svc.serviceId}") { __typename latestDeployment { id st: status } activeDeployments { id status } } }`,
    );
    expect(reply.json()).toEqual({
      data: {
        si: {
          __typename: 'ServiceInstance',
          latestDeployment: { id: svc.deploymentId, st: 'SUCCESS' },
          activeDeployments: [{ id: svc.deploymentId, status: 'SUCCESS' }],
        },
      },
    });
  });

  it('rolls back by creating a new deployment from the target image, without BUILDING (default mode)', async () => {
    const bad = await deployCommit(sha(8));
    for (let i = 0; i < 3; i++) await status(bad);
    const reply = await graphql(
      url,
      account,
      `
        mutation R($id: String!) {
          deploymentRollback(id: $id)
        }
      `,
      { id: svc.deploymentId },
    );
    expect(reply.json()).toEqual({ data: { deploymentRollback: true } });
    const latest = emu.control.railwayDeployments(svc.serviceId)[0];
    expect(latest?.id).not.toBe(svc.deploymentId);
    expect(latest?.meta).toMatchObject({ commitHash: sha(1), reason: 'rollback' });
    const seen = [];
    for (let i = 0; i < 2; i++) seen.push((await status(latest?.id as string)).status);
    expect(seen).toEqual(['DEPLOYING', 'SUCCESS']);
    await status(latest?.id as string);
    expect((await status(bad)).status).toBe('REMOVED');
  });

  it('rolls back by re-activating the same record in same-id mode (UNCONFIRMED behaviour, selectable)', async () => {
    emu.control.configure({ railway: { rollbackMode: 'same-id' } });
    const bad = await deployCommit(sha(9));
    for (let i = 0; i < 3; i++) await status(bad);
    const old = svc.deploymentId as string;
    expect((await status(old)).status).toBe('REMOVED');
    await graphql(url, account, `mutation { deploymentRollback(id: "${old}") }`);
    expect((await status(old)).status).toBe('SUCCESS');
    expect(emu.control.railwayDeployments(svc.serviceId)).toHaveLength(3);
  });

  it('refuses rollback to a deployment that cannot be rolled back', async () => {
    emu.control.setCommit(sha(10), { railway: { outcome: 'failed-build' } });
    const failed = await deployCommit(sha(10));
    await status(failed);
    await status(failed);
    const reply = await graphql(url, account, `mutation { deploymentRollback(id: "${failed}") }`);
    expect(reply.status).toBe(200);
    expect(reply.json().data).toBeNull();
    expect(reply.json().errors[0].message).toMatch(/cannot be rolled back/);
  });

  it('cancels only while queued/initializing/building (ends REMOVED); restart keeps id and status', async () => {
    const id = await deployCommit(sha(11));
    expect((await graphql(url, account, `mutation { deploymentCancel(id: "${id}") }`)).json()).toEqual({
      data: { deploymentCancel: true },
    });
    expect((await status(id)).status).toBe('REMOVED');
    const again = await graphql(url, account, `mutation { deploymentCancel(id: "${id}") }`);
    expect(again.json().errors[0].message).toMatch(/cannot be cancelled/);
    const current = svc.deploymentId as string;
    expect(
      (await graphql(url, account, `mutation { deploymentRestart(id: "${current}") }`)).json().data.deploymentRestart,
    ).toBe(true);
    const instances = `{ deployment(id: "${current}") { id status instances { status } } }`;
    expect((await graphql(url, account, instances)).json().data.deployment).toEqual({
      id: current,
      status: 'SUCCESS',
      instances: [{ status: 'RUNNING' }],
    });
  });

  it('redeploys from a deployment and returns the new Deployment', async () => {
    const reply = await graphql(
      url,
      account,
      `mutation { deploymentRedeploy(id: "${svc.deploymentId}", usePreviousImageTag: true) { id status meta } }`,
    );
    const created = reply.json().data.deploymentRedeploy;
    expect(created.id).not.toBe(svc.deploymentId);
    expect(created).toMatchObject({ status: 'INITIALIZING', meta: { commitHash: sha(1) } });
    expect((await status(created.id)).status).toBe('DEPLOYING');
  });

  it('scopes a Project-Access-Token to its project and environment ("Not Authorized", HTTP 200)', async () => {
    const projectToken = {
      'project-access-token': emu.control.addRailwayProjectToken({
        projectId: svc.projectId,
        environmentId: svc.environmentId,
      }),
    };
    const id = await deployCommit(sha(12), projectToken);
    expect((await status(id, projectToken)).status).toBe('BUILDING');
    const staging = await emu.control.seedRailwayService({
      projectId: svc.projectId,
      serviceId: svc.serviceId,
      environmentName: 'staging',
    });
    const denied = await graphql(url, projectToken, DEPLOY, {
      serviceId: svc.serviceId,
      environmentId: staging.environmentId,
      commitSha: sha(13),
    });
    expect(denied.status).toBe(200);
    expect(denied.json()).toMatchObject({ data: null, errors: [{ message: 'Not Authorized' }] });
    expect((await graphql(url, projectToken, STATUS, { id: staging.deploymentId })).json().errors[0].message).toBe(
      'Not Authorized',
    );
    expect(
      (await graphql(url, projectToken, '{ projectToken { projectId environmentId } }')).json().data.projectToken,
    ).toEqual({ projectId: svc.projectId, environmentId: svc.environmentId });
    // A project token is not a bearer token, and an unknown one is reported as such.
    expect(
      (await graphql(url, { authorization: `Bearer ${projectToken['project-access-token']}` }, STATUS, { id })).json()
        .errors[0].message,
    ).toBe('Not Authorized');
    expect((await graphql(url, { 'project-access-token': 'nope' }, STATUS, { id })).json().errors[0].message).toMatch(
      /project token not found/i,
    );
  });

  it('answers invalid documents with GraphQL errors', async () => {
    const unknownField = await graphql(url, account, '{ nope { id } }');
    expect(unknownField.json()).toMatchObject({
      data: null,
      errors: [{ message: 'Cannot query field "nope" on type "Query".' }],
    });
    const scalarSelection = await graphql(
      url,
      account,
      `
        mutation {
          deploymentRollback(id: "x") {
            id
            status
          }
        }
      `,
    );
    expect(scalarSelection.json().errors[0].message).toMatch(/must not have a selection/);
    const syntax = await graphql(url, account, '{ deployment(id: "x") { id }');
    expect(syntax.status).toBe(400);
    expect(syntax.json().errors[0].message).toMatch(/^Syntax Error/);
    const missingVariable = await graphql(url, account, STATUS, {});
    expect(missingVariable.json().errors[0].message).toMatch(
      /Variable "\$id" of required type "String!" was not provided/,
    );
    const notFound = await graphql(url, account, STATUS, { id: 'nope' });
    expect(notFound.status).toBe(200);
    expect(notFound.json()).toMatchObject({
      data: null,
      errors: [{ message: 'Deployment not found', path: ['deployment'] }],
    });
  });

  it('runs the named operation of a multi-operation document', async () => {
    const doc = `query A { me { email } } query B($id: String!) { deployment(id: $id) { status } }`;
    expect((await graphql(url, account, doc, { id: svc.deploymentId }, 'B')).json()).toEqual({
      data: { deployment: { status: 'SUCCESS' } },
    });
    expect((await graphql(url, account, doc, {}, 'A')).json()).toEqual({ data: { me: { email: 'ops@threadr.test' } } });
    expect((await graphql(url, account, doc)).json().errors[0].message).toMatch(/Must provide operation name/);
  });
});

describe('Railway extension fields', () => {
  it('serves extension root fields with auth helpers and projection', async () => {
    const usage: EmulatorExtension<{ values: Record<string, number> }> = {
      name: 'railway-usage-test',
      initialState: () => ({ values: { CPU_USAGE: 12.5, MEMORY_USAGE_GB: 40 } }),
      railwayFields: {
        usage(args, ctx) {
          ctx.authorize(args['projectId'] as string | undefined);
          if (!Array.isArray(args['measurements'])) throw new GraphQLFieldError('measurements required');
          return (args['measurements'] as string[]).map((measurement) => ({
            measurement,
            value: ctx.state.values[measurement] ?? 0,
            tags: { projectId: args['projectId'] },
          }));
        },
      },
    };
    const emu = await startEmulator({ extensions: [usage] });
    try {
      const svc = await emu.control.seedRailwayService();
      const account = bearer(emu.control.addRailwayAccountToken());
      const reply = await graphql(
        emu.urls.railwayGraphql,
        account,
        `
          query U($p: String) {
            usage(measurements: [CPU_USAGE, MEMORY_USAGE_GB], projectId: $p) {
              measurement
              value
            }
          }
        `,
        { p: svc.projectId },
      );
      expect(reply.json()).toEqual({
        data: {
          usage: [
            { measurement: 'CPU_USAGE', value: 12.5 },
            { measurement: 'MEMORY_USAGE_GB', value: 40 },
          ],
        },
      });
      const scoped = {
        'project-access-token': emu.control.addRailwayProjectToken({
          projectId: svc.projectId,
          environmentId: svc.environmentId,
        }),
      };
      expect(
        (
          await graphql(
            emu.urls.railwayGraphql,
            scoped,
            `
              {
                usage(measurements: [CPU_USAGE], projectId: "other") {
                  value
                }
              }
            `,
          )
        ).json().errors[0].message,
      ).toBe('Not Authorized');
      expect(emu.control.requests({ provider: 'railway', operation: 'usage' })).toHaveLength(2);
    } finally {
      await emu.stop();
    }
  });
});

describe('Railway stale reads', () => {
  it('answers a query from the state before the last mutation once (fragment-first documents included)', async () => {
    const emu = await startEmulator({ extensions: [] });
    try {
      const account = bearer(emu.control.addRailwayAccountToken());
      const svc = await emu.control.seedRailwayService();
      const id = (
        await graphql(
          emu.urls.railwayGraphql,
          account,
          `fragment F on Mutation { __typename } mutation D { ...F serviceInstanceDeployV2(serviceId: "${svc.serviceId}", environmentId: "${svc.environmentId}") }`,
        )
      ).json().data.serviceInstanceDeployV2;
      emu.control.fault({ provider: 'railway', operation: 'deployment', fault: { kind: 'stale-read' } });
      const stale = await graphql(emu.urls.railwayGraphql, account, `{ deployment(id: "${id}") { status } }`);
      expect(stale.json().data).toBeNull();
      expect(stale.json().errors[0].message).toBe('Deployment not found');
      const fresh = await graphql(emu.urls.railwayGraphql, account, `{ deployment(id: "${id}") { status } }`);
      expect(fresh.json().data.deployment.status).toBe('BUILDING');
    } finally {
      await emu.stop();
    }
  });
});

describe("Railway GraphQL validated against Railway's schema (graphql-js)", () => {
  // Before: the hand-written parser dispatched on root field names only, so a misspelled nested
  // field came back null, and unknown arguments and filter keys were silently ignored.
  let emu: Emulator;
  let account: Record<string, string>;
  let svc: SeededRailwayService;
  beforeEach(async () => {
    emu = await startEmulator({ extensions: [] });
    account = bearer(emu.control.addRailwayAccountToken());
    svc = await emu.control.seedRailwayService({ successSha: sha(1) });
  });
  afterEach(async () => emu.stop());

  const refused = async (query: string, variables?: Record<string, unknown>) => {
    const reply = await graphql(emu.urls.railwayGraphql, account, query, variables);
    expect(reply.status).toBe(400);
    const body = reply.json();
    expect(body.data).toBeNull();
    expect(body.errors[0]).toMatchObject({
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      locations: [expect.objectContaining({ line: 1 })],
    });
    return body.errors.map((e: { message: string }) => e.message).join('\n');
  };

  it("refuses a misspelled field, argument and filter with Railway's error shape, before any resolver runs", async () => {
    expect(await refused(`{ deployment(id: "${svc.deploymentId}") { id stauts } }`)).toBe(
      'Cannot query field "stauts" on type "Deployment". Did you mean "status"?',
    );
    expect(await refused(`{ deployment(deploymentId: "${svc.deploymentId}") { id } }`)).toMatch(
      /Unknown argument "deploymentId" on field "Query.deployment"/,
    );
    expect(
      await refused(
        `{ deployments(input: { serviceId: "${svc.serviceId}", state: { in: [SUCCESS] } }) { edges { node { id } } } }`,
      ),
    ).toMatch(/Field "state" is not defined by type "DeploymentListInput"\. Did you mean "status"\?/);
    expect(
      await refused(
        `{ deployments(input: { serviceId: "${svc.serviceId}", status: { in: [ACTIVE] } }) { edges { node { id } } } }`,
      ),
    ).toMatch(/Value "ACTIVE" does not exist in "DeploymentStatus" enum/);
    expect(await refused(`mutation { deploymentRollback(id: "x") { id } }`)).toMatch(
      /Field "deploymentRollback" must not have a selection since type "Boolean!" has no subfields/,
    );
    expect(emu.control.railwayDeployment(svc.deploymentId!)!.status).toBe('SUCCESS');
  });

  it('refuses variables that do not fit their declared types', async () => {
    const reply = await graphql(
      emu.urls.railwayGraphql,
      account,
      `
        query D($input: DeploymentListInput!) {
          deployments(input: $input) {
            edges {
              node {
                id
              }
            }
          }
        }
      `,
      { input: { serviceId: svc.serviceId, filter: 'x' } },
    );
    expect(reply.json()).toMatchObject({
      data: null,
      errors: [{ message: expect.stringMatching(/Field "filter" is not defined by type "DeploymentListInput"/) }],
    });
  });

  it('answers introspection from the same schema', async () => {
    const reply = await graphql(
      emu.urls.railwayGraphql,
      account,
      `
        {
          __type(name: "DeploymentListInput") {
            inputFields {
              name
            }
          }
          __schema {
            mutationType {
              name
            }
          }
        }
      `,
    );
    expect(reply.status).toBe(200);
    const data = reply.json().data;
    expect(data.__type.inputFields.map((f: { name: string }) => f.name).sort()).toEqual([
      'environmentId',
      'includeDeleted',
      'projectId',
      'serviceId',
      'status',
    ]);
    expect(data.__schema.mutationType.name).toBe('Mutation');
  });

  it('refuses at start an extension resolver whose field is not in the schema, naming it', async () => {
    const stray: EmulatorExtension = { name: 'stray', railwayFields: { deploymentz: () => true } };
    await expect(startEmulator({ extensions: [stray] })).rejects.toThrow(
      /the Railway field "deploymentz" of stray is not in the schema/,
    );
  });

  it('an extension adds a field with its own SDL', async () => {
    const extra: EmulatorExtension = {
      name: 'extra',
      railwaySchema: 'extend type Query { regions: [Region!]! } type Region { name: String! }',
      railwayFields: { regions: () => [{ name: 'us-west2' }] },
    };
    const other = await startEmulator({ extensions: [extra] });
    try {
      const reply = await graphql(
        other.urls.railwayGraphql,
        bearer(other.control.addRailwayAccountToken()),
        '{ regions { name } }',
      );
      expect(reply.json()).toEqual({ data: { regions: [{ name: 'us-west2' }] } });
    } finally {
      await other.stop();
    }
  });
});
