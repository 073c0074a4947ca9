#!/usr/bin/env node
// The CLI is bundled like the actions, so `npx threadr-ops` needs no build step.
await import('../dist/cli/index.js');
