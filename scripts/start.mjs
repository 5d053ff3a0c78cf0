// `npm start`: the embedded default. Creates .udc/udc.duckdb with the bundled real CBS data on first
// run, then serves the API and dashboard on http://localhost:8080 (PORT and HOST override).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const udc = fileURLToPath(new URL('../bin/udc.js', import.meta.url));
const args = [
  'serve',
  '--demo',
  '--port',
  process.env.PORT ?? '8080',
  '--host',
  process.env.HOST ?? '127.0.0.1',
];
const child = spawn(process.execPath, [udc, ...args], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
