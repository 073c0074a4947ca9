/**
 * Extensions loaded by every emulator (tests, CLI, demo). Other parts of the suite register theirs
 * by appending an import and a push below, e.g.
 *   import { openaiExtension } from '../cost-monitor/emulator/openai.js';
 *   extensions.push(openaiExtension);
 * The contract is in `extension-api.ts`; see README.md "Extensions".
 */
import type { EmulatorExtension } from './extension-api.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each extension types its own state bucket
export const extensions: EmulatorExtension<any>[] = [];

// The cost monitor's providers (issue 5): OpenAI costs, Stripe balance transactions, Upstash stats,
// Vercel billing charges (a Vercel route) and Railway usage (Railway GraphQL fields).
import { openaiExtension } from './openai.js';
import { stripeExtension } from './stripe.js';
import { upstashExtension } from './upstash.js';
import { vercelBillingExtension } from './vercel-billing.js';
import { railwayUsageExtension } from './railway-usage.js';
extensions.push(openaiExtension, stripeExtension, upstashExtension, vercelBillingExtension, railwayUsageExtension);

// Backups (issue 15): Vercel project env vars and Railway service variables. Upstash backups are
// served by the Upstash extension itself (upstash-backups.ts), since they share its prefix and state.
import { configVarsExtension } from './config-vars.js';
extensions.push(configVarsExtension);

// Remediation (issue 16): Vercel Attack Challenge Mode and Edge Config items. Railway replicas are on the
// built-in Railway engine (serviceInstanceUpdate); OpenAI project rate limits on the OpenAI extension.
import { remediationExtension } from './remediation.js';
extensions.push(remediationExtension);
