// Preloaded into a bundle's process (node --import): at exit, writes the process's peak resident
// set size in bytes to MAX_RSS_FILE, so a test can bound the memory of the whole action.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.MAX_RSS_FILE) writeFileSync(process.env.MAX_RSS_FILE, String(process.resourceUsage().maxRSS * 1024));
});
