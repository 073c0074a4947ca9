/**
 * undici's Agent and `request` API without the rest of the package. Importing `undici` itself
 * evaluates fetch, WebSocket, the cache, mocks and proxies at start-up: about 80 ms on a runner,
 * more than half of the health check's start-up budget (first request within 150 ms). These are
 * the same modules `undici`'s index wires together (`Object.assign(Dispatcher.prototype, api)`);
 * the version is pinned (~7.30) so the internal paths cannot move under us.
 */
import type { Dispatcher as DispatcherType } from 'undici';
import Agent from 'undici/lib/dispatcher/agent.js';
import DispatcherClass from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';

Object.assign(DispatcherClass.prototype, api);

export { Agent };
export type { DispatcherType as Dispatcher };
