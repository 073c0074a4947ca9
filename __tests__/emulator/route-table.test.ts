import { findRoute, routeTable, type EmuRequest } from '../../src/emulator/http-kit.js';

/** routeTable is only a way of writing a route list: it must match exactly as the list it stands for. */
const request = (method: string, path: string): EmuRequest => ({
  method,
  path,
  fullPath: path,
  query: new URLSearchParams(),
  headers: {},
  body: '',
  params: {},
  seq: 1,
});

// Four distinct handlers: which one answers is told by identity.
const rollback = () => ({ status: 200 });
const aliases = () => ({ status: 200 });
const list = () => ({ status: 200 });
const create = () => ({ status: 200 });

const table = routeTable<unknown>({
  '/projects/:id/rollback/:deploymentId': { POST: rollback },
  '/projects/:id/rollback/aliases': { GET: aliases },
  '/deployments': { GET: list, POST: create },
});

describe('routeTable', () => {
  it('flattens to one route per path and method, in the order written', () => {
    expect(table.map((route) => `${route.method} ${route.path}`)).toEqual([
      'POST /projects/:id/rollback/:deploymentId',
      'GET /projects/:id/rollback/aliases',
      'GET /deployments',
      'POST /deployments',
    ]);
  });

  it('tries paths in that order, by method, and says when only the path matched', () => {
    const found = (method: string, path: string) => {
      const match = findRoute(table, request(method, path));
      return typeof match === 'object' ? { handle: match.route.handle, params: match.params } : match;
    };
    // Both rollback paths fit; the method decides, as in a hand-written list.
    expect(found('POST', '/projects/p/rollback/aliases')).toEqual({
      handle: rollback,
      params: { id: 'p', deploymentId: 'aliases' },
    });
    expect(found('GET', '/projects/p/rollback/aliases')).toEqual({ handle: aliases, params: { id: 'p' } });
    expect(found('POST', '/deployments')).toEqual({ handle: create, params: {} });
    expect(found('DELETE', '/deployments')).toBe('method');
    expect(found('GET', '/nowhere')).toBeUndefined();
  });
});
