import type { DEPLOYMENT_STATUSES } from '../../src/emulator/railway-schema.js';
import type { RailwayStatus as ClientStatus } from '../../src/providers/railway.js';

/**
 * Conformance, checked by the compiler (`npm run typecheck`; tsc reads __tests__, jest does not
 * type-check, so this file is no jest suite): our Railway client's RailwayStatus
 * (src/providers/railway.ts) against Railway's enum DeploymentStatus as the emulator's schema has
 * it (src/emulator/railway-schema.ts, written from the CLI's schema.json). The two lists are kept
 * apart on purpose (the emulator imports only core, so it cannot inherit a mistake of the client);
 * this is where they meet: a status the client lacks or invents is a type error here.
 */
type SchemaStatus = (typeof DEPLOYMENT_STATUSES)[number];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const clientStatusesAreRailways: Same<ClientStatus, SchemaStatus> = true;
