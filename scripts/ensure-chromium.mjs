// The browser tests drive Debian's Chromium through playwright-core (a test tool's own browser
// download cannot be fetched here). Install it when it is missing and we are allowed to.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.RAFTLENS_CHROMIUM ?? '/usr/bin/chromium';

if (existsSync(CHROMIUM)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !existsSync('/usr/bin/apt-get')) {
  process.stderr.write(
    `Chromium is missing at ${CHROMIUM}. Install it (Debian: apt-get install -y chromium) ` +
      'or set RAFTLENS_CHROMIUM to a Chromium binary; the browser tests need it.\n',
  );
  process.exit(1);
}
process.stdout.write('Installing Chromium from Debian for the browser tests...\n');
execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', {
  stdio: 'inherit',
});
