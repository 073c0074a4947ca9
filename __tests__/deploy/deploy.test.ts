import { runBundle, type RunResult } from '../harness/runner.js';
import { Fixture, NEW, OLD, OLDER } from './fixture.js';

/**
 * Acceptance tests: the committed bundle dist/deploy/index.js, started as the runner starts it,
 * against the platform emulator (Vercel + Railway + GitHub) on 127.0.0.1.
 */

let fx: Fixture;
afterEach(async () => {
  await fx?.stop();
});

/** Direct unless a test says otherwise: most tests here are about a build that serves production. */
function deploy(extra: Record<string, string> = {}, timeoutMs = 30_000): Promise<RunResult> {
  return runBundle('deploy', { inputs: fx.inputs({ ref: NEW, strategy: 'direct', ...extra }), timeoutMs });
}

/** Everything a person reads in the step log: plain lines, errors and warnings. */
function said(result: RunResult): string {
  return [result.log, ...result.errors.map((e) => `error: ${e}`), ...result.warnings.map((w) => `warning: ${w}`)].join(
    '\n',
  );
}

function plan(result: RunResult) {
  return JSON.parse(result.outputs['rollback-plan']) as {
    components: Record<string, { deploymentId: string; sha: string } | null>;
  };
}

/** Requests that change something (Railway mutations are POSTs like its reads). */
function mutations() {
  return fx.control
    .requests()
    .filter((r) =>
      r.provider === 'railway'
        ? r.operations.some((op) => /^(serviceInstance|deployment)[A-Z]/.test(op))
        : r.method !== 'GET',
    );
}

function firstSeq(filter: Parameters<Fixture['control']['requests']>[0]): number {
  return fx.control.requests(filter)[0]?.seq ?? Number.POSITIVE_INFINITY;
}

/**
 * For a cancellation test: true once the deploy has created its build on `provider` and read that
 * platform again since (so it holds the build it waits for), however slow the machine is.
 */
function building(fixture: Fixture, provider: 'vercel' | 'railway'): () => boolean {
  return () => {
    const requests = fixture.control.requests({ provider });
    const created = requests.find((r) =>
      provider === 'railway' ? r.operations.some((op) => /^serviceInstance[A-Z]/.test(op)) : r.method === 'POST',
    );
    return created !== undefined && requests.some((r) => r.seq > created.seq);
  };
}

describe('deploy action (bundle) against the emulator', () => {
  it('deploys backend first, then frontend, records the plan and a GitHub Deployment', async () => {
    fx = await Fixture.start();
    const before = { frontend: fx.vercel.productionDeploymentId, backend: fx.railway.deploymentId };
    const result = await deploy({ 'backend-health-url': '/health', 'health-expect-version': 'true' });

    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs.status).toBe('deployed');
    const frontend = fx.vercelProduction()!;
    const backend = fx.railwayProduction()!;
    expect(frontend.sha).toBe(NEW);
    expect(frontend.readyState).toBe('READY');
    expect(backend.sha).toBe(NEW);
    expect(backend.status).toBe('SUCCESS');
    expect(result.outputs['frontend-deployment-id']).toBe(frontend.id);
    expect(result.outputs['backend-deployment-id']).toBe(backend.id);
    expect(result.outputs['frontend-url']).toBe(`http://${frontend.url}`);
    expect(result.outputs['backend-url']).toBe(`http://${backend.url}`);
    // The plan names what served before, per component.
    expect(plan(result).components.frontend).toMatchObject({ deploymentId: before.frontend, sha: OLD });
    expect(plan(result).components.backend).toMatchObject({ deploymentId: before.backend, sha: OLD });
    // Backend first: Railway's deploy mutation precedes Vercel's create.
    expect(firstSeq({ provider: 'railway', operation: 'serviceInstanceDeployV2' })).toBeLessThan(
      firstSeq({ provider: 'vercel', method: 'POST', path: '/v13/deployments' }),
    );
    // The Vercel create carries the git source of this repository and commit.
    const create = JSON.parse(
      fx.control.requests({ provider: 'vercel', method: 'POST', path: '/v13/deployments' })[0].body,
    );
    expect(create).toMatchObject({
      target: 'production',
      gitSource: { type: 'github', org: 'threadr', repo: 'threadr', ref: 'main', sha: NEW },
    });
    // GitHub: one deployment, in_progress then success, with the environment and log URLs.
    const [gh] = fx.githubDeployments();
    expect(String(gh.id)).toBe(result.outputs['github-deployment-id']);
    expect(gh.sha).toBe(NEW);
    const states = gh.statuses.map((s) => s.state);
    expect(states).toEqual(['in_progress', 'success']);
    const success = gh.statuses[1] as unknown as { environment_url: string; log_url: string };
    expect(success.environment_url).toBe(result.outputs['frontend-url']);
    expect(success.log_url).toBe('https://github.com/threadr/threadr/actions/runs/1001');
    const created = fx.control
      .requests({ provider: 'github', method: 'POST', path: '/deployments' })
      .find((r) => !r.path.includes('statuses'))!;
    expect(JSON.parse(created.body)).toMatchObject({
      auto_merge: false,
      required_contexts: [],
      environment: 'production',
    });
    // Secrets: masked, never in a URL or the log; Railway project token sent as Project-Access-Token.
    for (const token of Object.values(fx.tokens)) {
      expect(result.masks).toContain(token);
      expect(said(result)).not.toContain(token);
    }
    expect(fx.tokenLeaks()).toEqual([]);
    const railwayCall = fx.control.requests({ provider: 'railway' })[0];
    expect(railwayCall.headers['project-access-token']).toBe(fx.tokens.railway);
    expect(railwayCall.headers.authorization).toBeUndefined();
    expect(result.summary).toContain('Deployed');
  });

  it('deploys frontend first when told to', async () => {
    fx = await Fixture.start();
    const result = await deploy({ order: 'frontend-first' });
    expect(result.outputs.status).toBe('deployed');
    expect(firstSeq({ provider: 'vercel', method: 'POST', path: '/v13/deployments' })).toBeLessThan(
      firstSeq({ provider: 'railway', operation: 'serviceInstanceDeployV2' }),
    );
    expect(fx.vercelProduction()!.sha).toBe(NEW);
    expect(fx.railwayProduction()!.sha).toBe(NEW);
  });

  it('rolls the backend back when the frontend build fails after the backend succeeded', async () => {
    fx = await Fixture.start();
    fx.control.setCommit(NEW, { vercel: { outcome: 'error', errorMessage: 'Type error: Property x does not exist' } });
    const oldFrontend = fx.vercel.productionDeploymentId;
    const result = await deploy();

    expect(result.exitCode).toBe(1);
    expect(result.outputs.status).toBe('rolled-back');
    expect(said(result)).toMatch(
      /frontend: dpl_\w+ ended ERROR: BUILD_FAILED: Type error: Property x does not exist \(logs: https:\/\/vercel\.com\//,
    );
    expect(said(result)).toMatch(/backend: restored/);
    // Production: the frontend never moved, the backend serves the old commit again (a new Railway rollback deployment).
    expect(fx.vercelProduction()!.id).toBe(oldFrontend);
    const backend = fx.railwayProduction()!;
    expect(backend.status).toBe('SUCCESS');
    expect(backend.sha).toBe(OLD);
    expect(fx.control.requests({ provider: 'railway', operation: 'deploymentRollback' })).toHaveLength(1);
    expect(result.outputs['backend-deployment-id']).toBe(backend.id);
    expect(result.outputs['frontend-deployment-id']).toBe(oldFrontend);
    expect(fx.githubDeployments()[0].statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
    expect(result.errors.join('\n')).toMatch(
      /^deploy: frontend failed: .*Rolled back: backend restored, frontend not-needed/m,
    );
    // The end of the build output, newest lines asked for and shown oldest first (event shape UNCONFIRMED).
    const [events] = fx.control.requests({ provider: 'vercel', path: '/events' });
    expect(events.path).toMatch(/^\/v3\/deployments\/dpl_\w+\/events/);
    expect(events.query).toMatchObject({ direction: 'backward', limit: '20', follow: '0' });
    expect(result.summary).toMatch(
      /<summary>frontend: build log of dpl_\w+, last 3 lines<\/summary>\s+```text\nCloning \(Commit: feed000\)\nRunning "npm run build"\nType error: Property x does not exist\n```/,
    );
  });

  it('rolls back a backend that reached SUCCESS and then CRASHED, and does not start the frontend', async () => {
    fx = await Fixture.start();
    fx.control.setCommit(NEW, { railway: { outcome: 'crash' } });
    const result = await deploy();

    expect(result.outputs.status).toBe('rolled-back');
    expect(said(result)).toMatch(
      /backend: .* reached SUCCESS and then ended CRASHED: deployment CRASHED: the app crashed/,
    );
    expect(fx.control.requests({ provider: 'vercel', method: 'POST' })).toHaveLength(0);
    expect(fx.railwayProduction()).toMatchObject({ status: 'SUCCESS', sha: OLD });
    expect(fx.vercelProduction()!.sha).toBe(OLD);
    // Why, in the platform's words: the end of the runtime log, in the log and the summary.
    expect(said(result)).toContain('Error: connect ECONNREFUSED 10.0.0.7:6379');
    expect(result.summary).toMatch(
      /<summary>backend: deployment log of [\w-]+, last 4 lines<\/summary>\s+```text\nStarting Container\nlistening on 0\.0\.0\.0:8080\nError: connect ECONNREFUSED 10\.0\.0\.7:6379\nnpm error code 1\n```/,
    );
    expect(fx.control.requests({ provider: 'railway', operation: 'buildLogs' })).toHaveLength(0);
  });

  it('shows the end of the build log of a backend whose build failed (FAILED: both logs are read)', async () => {
    fx = await Fixture.start();
    const log = [
      ...Array.from({ length: 30 }, (_, i) => `step ${i + 1}`),
      'ERROR: tsc: src/server.ts(3,1): Cannot find name `foo` ```',
    ];
    fx.control.setCommit(NEW, { railway: { outcome: 'failed-build', buildLog: log } });
    const result = await deploy();
    expect(result.outputs.status).toBe('failed');
    // The last 20 lines, in order; a log line with backticks cannot close the block early.
    expect(result.summary).toContain(`backend: build log of`);
    expect(result.summary).toContain(`\`\`\`\`text\n${log.slice(-20).join('\n')}\n\`\`\`\``);
    expect(result.summary).not.toContain('step 10\n');
    // Railway's FAILED covers a build and a start that failed: both logs are read (this one has no runtime lines).
    expect(fx.control.requests({ provider: 'railway', operation: 'buildLogs' })).toHaveLength(1);
    expect(fx.control.requests({ provider: 'railway', operation: 'deploymentLogs' })).toHaveLength(1);
  });

  it('cancels what it started when it gives up at the timeout, and restores the backend', async () => {
    fx = await Fixture.start();
    // The frontend build never leaves BUILDING.
    fx.control.setCommit(NEW, { vercel: { timing: { readsPerStep: 1, reads: { BUILDING: 0 } } } });
    const result = await deploy({ timeout: '1500ms' });

    expect(result.outputs.status).toBe('rolled-back');
    const started = fx.control.vercelDeployments(fx.vercel.projectId).find((d) => d.sha === NEW)!;
    expect(started.readyState).toBe('CANCELED');
    expect(said(result)).toMatch(/frontend: dpl_\w+ was still BUILDING after 1\.5s \(timeout\); canceling it/);
    expect(said(result)).toMatch(/frontend: canceled dpl_/);
    expect(fx.vercelProduction()!.sha).toBe(OLD);
    expect(fx.railwayProduction()).toMatchObject({ status: 'SUCCESS', sha: OLD });
  });

  it("on a cancelled job (SIGINT) cancels the build on its way and leaves what already serves, within the runner's grace time", async () => {
    fx = await Fixture.start();
    // The backend (first) goes live; the frontend build never leaves BUILDING.
    fx.control.setCommit(NEW, { vercel: { timing: { readsPerStep: 1, reads: { BUILDING: 0 } } } });
    const result = await runBundle('deploy', {
      inputs: fx.inputs({ ref: NEW, strategy: 'direct' }),
      signal: { name: 'SIGINT', when: building(fx, 'vercel') },
      timeoutMs: 30_000,
    });
    // The contract, not a benchmark: the runner sends SIGTERM 7.5 s after SIGINT (it takes ~0.2 s).
    expect(Date.now() - result.signalledAt!).toBeLessThan(7000);
    expect(result.signal).toBeNull();
    expect(result.exitCode).toBe(1);
    expect(result.outputs.status).toBe('cancelled');
    expect(result.warnings.join('\n')).toMatch(/Received SIGINT: the job is being cancelled/);
    const started = fx.control.vercelDeployments(fx.vercel.projectId).find((d) => d.sha === NEW)!;
    expect(started.readyState).toBe('CANCELED');
    expect(fx.vercelProduction()!.sha).toBe(OLD);
    expect(fx.railwayProduction()).toMatchObject({ status: 'SUCCESS', sha: NEW });
    expect(result.errors[0]).toMatch(
      new RegExp(
        `^the job was cancelled: backend serves ${NEW.slice(0, 12)} \\([\\w-]+\\); frontend still serves ${fx.vercel.productionDeploymentId}; canceled ${started.id} before it went live$`,
      ),
    );
    expect(result.summary).toContain('Deploy cancelled');
    expect(fx.githubDeployments()[0].statuses.map((s) => s.state)).toEqual(['in_progress', 'error']);
    // No rollback was attempted: nothing but the cancel changed anything after the signal.
    const changes = fx.control.requests({ provider: 'vercel' }).filter((r) => r.method !== 'GET');
    expect(changes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v13/deployments',
      `PATCH /v12/deployments/${started.id}/cancel`,
    ]);
  });

  it('on a cancelled job while the first component builds, nothing else starts and production is unchanged', async () => {
    fx = await Fixture.start();
    fx.control.setCommit(NEW, { railway: { timing: { readsPerStep: 1, reads: { BUILDING: 0 } } } });
    const result = await runBundle('deploy', {
      inputs: fx.inputs({ ref: NEW, strategy: 'direct' }),
      signal: { name: 'SIGTERM', when: building(fx, 'railway') },
      timeoutMs: 30_000,
    });
    expect(result.outputs.status).toBe('cancelled');
    expect(result.errors[0]).toMatch(
      /backend still serves \S+; canceled \S+ before it went live; frontend still serves \S+$/,
    );
    expect(fx.control.requests({ provider: 'vercel' }).filter((r) => r.method !== 'GET')).toEqual([]);
    expect(fx.railwayProduction()).toMatchObject({ status: 'SUCCESS', sha: OLD });
    expect(fx.vercelProduction()!.sha).toBe(OLD);
  });

  it('handles a first deploy: nothing to roll back to is recorded as null', async () => {
    fx = await Fixture.start({ frontendSha: null, backendSha: null });
    const result = await deploy();
    expect(result.outputs.status).toBe('deployed');
    expect(plan(result).components).toEqual({ backend: null, frontend: null });
    expect(said(result)).toContain('nothing serves production yet (first deploy: nothing to roll back to)');
    expect(fx.vercelProduction()!.sha).toBe(NEW);
    expect(fx.railwayProduction()!.sha).toBe(NEW);
  });

  it('a failed first deploy leaves the new backend in place and says there was nothing to go back to', async () => {
    fx = await Fixture.start({ frontendSha: null, backendSha: null });
    fx.control.setCommit(NEW, { vercel: { outcome: 'error' } });
    const result = await deploy();
    expect(result.outputs.status).toBe('failed');
    expect(said(result)).toMatch(
      /backend: nothing served before this deploy \(first deploy\): there is nothing to go back to/,
    );
    expect(result.errors.join('\n')).toMatch(/backend had nothing to roll back to and stays on the new build/);
  });

  it('refuses to deploy over an instant-rollback pin, and with allow-pinned promotes over it', async () => {
    fx = await Fixture.start({ previous: [OLDER] });
    const pinned = await runBundle('rollback', {
      inputs: fx.inputs({ to: 'previous', components: 'frontend', reason: 'incident 42' }),
    });
    expect(pinned.outputs.status).toBe('rolled-back');
    expect(pinned.outputs.pinned).toBe('true');
    expect(fx.vercelProduction()!.sha).toBe(OLDER);
    fx.control.clearRequests();

    const refused = await deploy();
    expect(refused.exitCode).toBe(1);
    expect(refused.outputs.status).toBe('refused');
    expect(refused.errors.join('\n')).toMatch(
      /production is pinned to dpl_\w+ by an instant rollback \(incident 42 \(by threadr-ops\)\)\. Nothing was deployed\. .*allow-pinned: true/,
    );
    expect(mutations()).toHaveLength(0);
    expect(refused.outputs['rollback-plan']).not.toBe('');

    const forced = await deploy({ 'allow-pinned': 'true' });
    expect(forced.outputs.status).toBe('deployed');
    expect(said(forced)).toMatch(/promoted dpl_\w+ to production .*pinned by an instant rollback/);
    expect(fx.vercelProduction()!.sha).toBe(NEW);
    expect(fx.control.vercelProject(fx.vercel.projectId)!.lastRollbackTarget).toBeNull();
  });

  it('is safe to re-run: a commit that already serves is not deployed again', async () => {
    fx = await Fixture.start();
    expect((await deploy()).outputs.status).toBe('deployed');
    fx.control.clearRequests();
    const again = await deploy();
    expect(again.outputs.status).toBe('deployed');
    expect(said(again)).toMatch(/already serves commit feed00000000; not deploying it again/);
    expect(fx.control.requests({ provider: 'vercel', method: 'POST' })).toHaveLength(0);
    expect(fx.control.requests({ provider: 'railway', operation: 'serviceInstanceDeployV2' })).toHaveLength(0);
  });

  it('gets through a 429 storm on every platform, honouring Retry-After', async () => {
    fx = await Fixture.start();
    const storm = { kind: 'rate-limit', retryAfterSeconds: 0 } as const;
    fx.control.fault({ provider: 'vercel', method: 'GET', path: '/v13/deployments/:id', fault: storm, times: 6 });
    fx.control.fault({ provider: 'vercel', method: 'POST', path: '/v13/deployments', fault: storm, times: 2 });
    fx.control.fault({ provider: 'railway', operation: 'deployment', fault: storm, times: 6 });
    fx.control.fault({ provider: 'railway', operation: 'serviceInstanceDeployV2', fault: storm, times: 2 });
    fx.control.fault({
      provider: 'github',
      fault: { kind: 'rate-limit', status: 429, retryAfterSeconds: 0 },
      times: 2,
    });
    const result = await deploy();
    expect(said(result)).toMatch(/HTTP 429, try 2/);
    if (result.outputs.status !== 'deployed') throw new Error(said(result));
    expect(
      fx.control
        .requests({ provider: 'vercel', method: 'POST', path: '/v13/deployments' })
        .filter((r) => r.outcome === 200),
    ).toHaveLength(1);
    expect(
      fx.control
        .requests({ provider: 'railway', operation: 'serviceInstanceDeployV2' })
        .filter((r) => r.outcome === 200),
    ).toHaveLength(1);
    expect(fx.productionHealthy()).toEqual({ frontend: true, backend: true });
    expect(fx.vercelProduction()!.sha).toBe(NEW);
  });

  it('keeps waiting through an emulator restart in the middle of polling', async () => {
    fx = await Fixture.start();
    fx.control.setCommit(NEW, { vercel: { timing: { readsPerStep: 1, reads: { BUILDING: 6 } } } });
    // A long request timeout: the held poll below is ended by the restart, not by the client.
    const running = deploy({ order: 'frontend-first', 'request-timeout': '30s' });
    let finished = false;
    void running.then(() => (finished = true));
    const untilSeen = async (what: string, seen: () => boolean) => {
      while (!seen()) {
        if (finished) throw new Error(`the deploy finished before ${what}`);
        await fx.control.sleep(5);
      }
    };
    // Once the new frontend deployment exists, hold its next status read unanswered: the action
    // is then waiting in the middle of polling for as long as the test needs, however busy the
    // machine, and the restart cuts that read off (reset) and refuses the next ones.
    const created = () => fx.control.vercelDeployments(fx.vercel.projectId).find((d) => d.sha === NEW);
    await untilSeen('its frontend deployment was created', () => created() !== undefined);
    const poll = `/v13/deployments/${created()!.id}`;
    fx.control.fault({ provider: 'vercel', method: 'GET', path: poll, fault: { kind: 'hang' } });
    await untilSeen('a status read was held', () =>
      fx.control.requests({ provider: 'vercel', method: 'GET', path: poll }).some((r) => r.fault === 'hang'),
    );
    await fx.emulator.restart(400);
    const result = await running;
    expect(result.outputs.status).toBe('deployed');
    expect(said(result)).toMatch(/\/v13\/deployments\/dpl_\w+: connection (refused|reset), try 2/);
    expect(fx.vercelProduction()!.sha).toBe(NEW);
    expect(fx.railwayProduction()!.sha).toBe(NEW);
  });

  it('dry-run reads what serves and changes nothing', async () => {
    fx = await Fixture.start();
    const result = await deploy({ 'dry-run': 'true' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.status).toBe('dry-run');
    expect(plan(result).components.backend).not.toBeNull();
    expect(mutations()).toHaveLength(0);
  });
});

describe('deploy action: bad input stops before any API call', () => {
  it.each([
    [
      'a missing token for a requested component',
      { components: 'frontend', 'vercel-token': '' },
      /input 'vercel-token' is required to deploy the frontend/,
    ],
    [
      'an unknown environment',
      { environment: 'prod' },
      /input 'environment' must be one of production, staging, preview, got 'prod'/,
    ],
    ['a ref that is not a commit SHA', { ref: 'main' }, /input 'ref' must be a full 40-character commit SHA/],
    ['an unknown order', { order: 'random' }, /input 'order' must be one of backend-first, frontend-first, parallel/],
    [
      'an unknown strategy',
      { strategy: 'canary' },
      /input 'strategy' must be one of auto, staged, direct, got 'canary'/,
    ],
    [
      'staged outside production',
      { environment: 'staging', strategy: 'staged' },
      /input 'strategy' staged holds back Vercel's production domains, so it needs environment production; use auto or direct for staging/,
    ],
    [
      'a malformed health URL',
      { 'backend-health-url': 'ftp://x' },
      /input 'backend-health-url' must be an http\(s\) URL/,
    ],
  ])('%s', async (_name, extra, message) => {
    fx = await Fixture.start();
    const result = await deploy(extra as Record<string, string>);
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(message);
    expect(result.outputs.status).toBe('failed');
    expect(fx.control.requests()).toHaveLength(0);
  });
});

describe('deploy strategy: staged (bundle)', () => {
  it('builds the production frontend without the domains: production untouched, candidate-url serves the commit, promote-plan holds no secret', async () => {
    fx = await Fixture.start();
    const before = fx.vercel.productionDeploymentId;
    const result = await deploy({
      strategy: 'staged',
      'frontend-health-url': '/api/health',
      'health-expect-version': 'true',
    });
    expect(result.errors).toEqual([]);
    expect(result.outputs.status).toBe('deployed');
    // The create carries what `vercel --prod --skip-domain` sends.
    const create = JSON.parse(
      fx.control.requests({ provider: 'vercel', method: 'POST', path: '/v13/deployments' })[0].body,
    );
    expect(create).toMatchObject({ target: 'production', autoAssignCustomDomains: false, gitSource: { sha: NEW } });
    // Production still serves the old build; the staged one is READY on its own URL and was verified there.
    expect(fx.vercelProduction()!.id).toBe(before);
    expect(fx.control.requests({ provider: 'vercel', method: 'POST', path: '/promote/' })).toEqual([]);
    const candidate = result.outputs['candidate-url'];
    expect(candidate).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(
      JSON.parse(result.outputs.report).components.find((c: { component: string }) => c.component === 'frontend')
        .verify,
    ).toMatchObject({ verdict: 'healthy', url: `${candidate}/api/health` });
    const promotePlan = JSON.parse(result.outputs['promote-plan']);
    expect(promotePlan).toMatchObject({
      version: 1,
      environment: 'production',
      sha: NEW,
      frontend: { provider: 'vercel', url: candidate, previous: { deploymentId: before, sha: OLD } },
    });
    expect(promotePlan.frontend.project).toMatch(/^sha256:/);
    for (const token of Object.values(fx.tokens)) expect(result.outputs['promote-plan']).not.toContain(token);
    expect(result.outputs['promote-plan']).not.toContain(fx.vercel.projectId);
    // The backend deploys as with direct: Railway switches after its healthcheck.
    expect(fx.railwayProduction()!.sha).toBe(NEW);
    expect(result.warnings.join('\n')).not.toMatch(/healthcheck path/);
  });

  // action.yml's default, auto: production is staged without being asked.
  it('stages production when no strategy is given: candidate-url and promote-plan set, the production domains not assigned', async () => {
    fx = await Fixture.start();
    const before = fx.vercel.productionDeploymentId;
    const result = await runBundle('deploy', { inputs: fx.inputs({ ref: NEW, 'frontend-health-url': '/api/health' }) });
    expect(result.errors).toEqual([]);
    expect(result.outputs.status).toBe('deployed');
    const create = JSON.parse(
      fx.control.requests({ provider: 'vercel', method: 'POST', path: '/v13/deployments' })[0].body,
    );
    expect(create).toMatchObject({ target: 'production', autoAssignCustomDomains: false });
    expect(result.outputs['candidate-url']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(JSON.parse(result.outputs['promote-plan'])).toMatchObject({
      sha: NEW,
      frontend: { url: result.outputs['candidate-url'], previous: { deploymentId: before } },
    });
    expect(fx.vercelProduction()!.id).toBe(before);
    expect(fx.control.requests({ provider: 'vercel', method: 'POST', path: '/promote/' })).toEqual([]);
  });

  it('warns when the Railway service has no healthcheck path; direct leaves the staged outputs empty', async () => {
    fx = await Fixture.start();
    for (const project of Object.values(fx.control.state().railway.projects))
      for (const service of project.services) service.healthcheckPath = null;
    const result = await deploy();
    expect(result.outputs.status).toBe('deployed');
    expect(result.warnings.join('\n')).toMatch(
      /^deploy: the Railway service has no healthcheck path: Railway will switch traffic/m,
    );
    expect(result.outputs['candidate-url']).toBeUndefined();
    expect(fx.vercelProduction()!.sha).toBe(NEW);
  });
});
