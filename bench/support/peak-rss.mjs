// `node --import ./bench/support/peak-rss.mjs …` writes the process's peak RSS (bytes) to the
// file named by PEAK_RSS_FILE when it exits: bench/startup.ts measures whole CLI processes.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.PEAK_RSS_FILE) writeFileSync(process.env.PEAK_RSS_FILE, String(process.resourceUsage().maxRSS * 1024));
});
