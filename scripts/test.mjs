// `npm test`: checks what the tests need, says plainly what is missing and how to get it, then runs
// every test (unit, integration on the real DuckDB engine, end-to-end in headless Chromium).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const problems = [];
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19))
  problems.push(`Node ${process.versions.node} is too old: udc needs Node 20.19 or newer.`);
if (!existsSync(new URL('../node_modules/@duckdb/node-api', import.meta.url))) {
  problems.push('Dependencies are not installed: run `npm ci` first.');
}
const chromium = process.env.UDC_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  problems.push(
    `Chromium is missing at ${chromium} (browser tests need it): install it with \`apt-get install -y chromium\` (Debian), or point UDC_CHROMIUM at a Chromium binary.`,
  );
}
if (problems.length > 0) {
  console.error('Cannot run the tests:\n' + problems.map((p) => `  - ${p}`).join('\n'));
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
