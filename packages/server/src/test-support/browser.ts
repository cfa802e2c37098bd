import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

/** Where Debian's chromium package puts the browser; CHROMIUM_PATH wins. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']

/** The Chromium the browser tests drive; `bin/ensure-chromium` installs it. */
export function chromiumPath(): string {
  const found = [process.env.CHROMIUM_PATH, ...CANDIDATES].find(
    (path): path is string => !!path && existsSync(path),
  )
  if (!found) {
    throw new Error(
      `No Chromium for the browser tests (looked at CHROMIUM_PATH, ${CANDIDATES.join(', ')}). ` +
        'Run `bash bin/ensure-chromium` (apt-get install -y chromium), or set CHROMIUM_PATH.',
    )
  }
  return found
}

/** A headless Chromium; `--no-sandbox` because CI runs as root, where Chromium's sandbox refuses. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  })
}
