import { ConfigurationError } from '../../src/core/errors.js';
import { parsePlan, serializePlan, type RollbackPlan } from '../../src/release/plan.js';

const plan: RollbackPlan = {
  version: 1,
  environment: 'production',
  sha: 'b'.repeat(40),
  recordedAt: '2026-11-29T10:00:00.000Z',
  components: {
    frontend: { provider: 'vercel', deploymentId: 'dpl_1', url: 'https://web-1.vercel.app', sha: 'a'.repeat(40), scope: 'prj_1' },
    backend: null,
  },
};

describe('rollback plan', () => {
  it('round-trips through the deploy output', () => {
    expect(parsePlan(JSON.parse(serializePlan(plan)))).toEqual(plan);
  });

  it.each([
    ['not an object', '"yes"', /must be a JSON object/],
    ['wrong version', JSON.stringify({ ...plan, version: 2 }), /version 2/],
    ['unknown environment', JSON.stringify({ ...plan, environment: 'prod' }), /environment "prod"/],
    ['unknown component', JSON.stringify({ ...plan, components: { database: null } }), /unknown component 'database'/],
    ['wrong provider', JSON.stringify({ ...plan, components: { backend: { provider: 'vercel', deploymentId: 'x', scope: 's' } } }), /provider must be 'railway'/],
    ['no deployment id', JSON.stringify({ ...plan, components: { frontend: { provider: 'vercel', scope: 'prj' } } }), /deploymentId/],
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
