// The browser test's set-up (npm test runs it): Debian's chromium, installed with apt when it is
// not there. The package comes from the machine's own apt sources; nothing here names a mirror.
// NEGCHECK_BROWSER=off skips it (the browser test then says it was skipped); NEGCHECK_CHROMIUM
// names another Chromium binary.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const binary = process.env.NEGCHECK_CHROMIUM ?? '/usr/bin/chromium';
if (process.env.NEGCHECK_BROWSER === 'off') {
  console.log('browser set-up: skipped (NEGCHECK_BROWSER=off)');
  process.exit(0);
}
if (existsSync(binary)) {
  console.log(`browser set-up: ${binary} is there`);
  process.exit(0);
}
if (process.getuid?.() !== 0) {
  console.error(`browser set-up: ${binary} is not there and this is not root: install Debian's chromium (apt-get install chromium), name another with NEGCHECK_CHROMIUM, or skip the browser test with NEGCHECK_BROWSER=off`);
  process.exit(1);
}
const apt = args => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
const install = () => apt(['install', '-y', '-q', '--no-install-recommends', 'chromium']);
// the lists of a fresh machine may be empty or stale: update once, then try again
if (!install() && !(apt(['update', '-q']) && install())) {
  console.error('browser set-up: apt-get install chromium failed');
  process.exit(1);
}
if (!existsSync(binary)) {
  console.error(`browser set-up: chromium installed, but ${binary} is not there`);
  process.exit(1);
}
console.log(`browser set-up: installed ${binary}`);
