import { ConfigurationError } from '../../src/core/errors.js';
import { bindPlan, parsePlan, scopeFingerprint, serializePlan, type RollbackPlan } from '../../src/release/plan.js';

const plan: RollbackPlan = {
  version: 1,
  environment: 'production',
  sha: 'b'.repeat(40),
  recordedAt: '2026-11-29T10:00:00.000Z',
  components: {
    frontend: {
      provider: 'vercel',
      deploymentId: 'dpl_1',
      url: 'https://web-1.vercel.app',
      sha: 'a'.repeat(40),
      scope: 'prj_1',
    },
    backend: null,
  },
};

describe('rollback plan', () => {
  it('round-trips through the deploy output, bound to the rollback’s own project id', () => {
    expect(bindPlan(parsePlan(JSON.parse(serializePlan(plan))), { frontend: 'prj_1', backend: 'svc_1' })).toEqual(plan);
  });

  // GitHub drops a job output that contains a secret of the job; callers pass project ids as secrets.
  it('names deployments only: no project or service id is written', () => {
    const railway: RollbackPlan = {
      ...plan,
      components: {
        ...plan.components,
        backend: { provider: 'railway', deploymentId: 'd-2', url: null, sha: null, scope: '6f1c2b7e-railway-service' },
      },
    };
    const written = serializePlan(railway);
    expect(written).not.toContain('prj_1');
    expect(written).not.toContain('6f1c2b7e-railway-service');
    expect(JSON.parse(written)).toMatchObject({
      version: 2,
      components: {
        frontend: {
          deploymentId: 'dpl_1',
          url: 'https://web-1.vercel.app',
          sha: 'a'.repeat(40),
          project: scopeFingerprint('prj_1'),
        },
      },
    });
  });

  it('refuses a plan recorded for another project, without printing either id', () => {
    const written = parsePlan(JSON.parse(serializePlan(plan)));
    expect(() => bindPlan(written, { frontend: 'prj_other' })).toThrow(
      /^input 'rollback-plan' was recorded for another Vercel project than vercel-project-id \(fingerprint sha256:[0-9a-f]{16}, vercel-project-id has sha256:[0-9a-f]{16}\)$/,
    );
    expect(() => bindPlan(written, { frontend: 'prj_other' })).not.toThrow(/prj_/);
  });

  it('still reads a version 1 plan (ids in clear)', () => {
    const v1 = { ...plan, components: { frontend: { ...plan.components.frontend } } };
    expect(bindPlan(parsePlan(v1), { frontend: 'prj_1' }).components.frontend).toEqual(plan.components.frontend);
  });

  it.each([
    ['not an object', '"yes"', /must be a JSON object/],
    ['wrong version', JSON.stringify({ ...plan, version: 3 }), /version 3/],
    [
      'no project fingerprint (version 2)',
      JSON.stringify({
        version: 2,
        environment: 'production',
        components: { frontend: { provider: 'vercel', deploymentId: 'dpl_1', project: 'prj_1' } },
      }),
      /components\.frontend\.project must be the fingerprint/,
    ],
    ['unknown environment', JSON.stringify({ ...plan, environment: 'prod' }), /environment "prod"/],
    ['unknown component', JSON.stringify({ ...plan, components: { database: null } }), /unknown component 'database'/],
    [
      'wrong provider',
      JSON.stringify({ ...plan, components: { backend: { provider: 'vercel', deploymentId: 'x', scope: 's' } } }),
      /provider must be 'railway'/,
    ],
    [
      'no deployment id',
      JSON.stringify({ ...plan, components: { frontend: { provider: 'vercel', scope: 'prj' } } }),
      /deploymentId/,
    ],
    ['no components', JSON.stringify({ ...plan, components: {} }), /lists no component/],
  ])('refuses %s, naming the input', (_name, text, pattern) => {
    let error: unknown;
    try {
      parsePlan(JSON.parse(text));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).message).toMatch(/^input 'rollback-plan' /);
    expect((error as ConfigurationError).message).toMatch(pattern);
  });
});
