// The Temporal server, its SQL schema tool and its Web UI server, built once per machine from
// the Go module proxy into the same cache as the CLI (src/temporal/cli.ts), for the same
// reason: nothing can be downloaded from anywhere else.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheRoot, goInstallOnce } from '../temporal/cli.ts';

const run = promisify(execFile);

export const PINNED_SERVER_VERSION = '1.32.2';
export const PINNED_UI_SERVER_VERSION = '2.42.1';
// The server module needs Go 1.26.10; older local toolchains fetch this one from the proxy.
const SERVER_MIN_GO = '1.26.10';
const SERVER_TOOLCHAIN = 'go1.27.3';

type Say = (line: string) => void;

export interface ServerBinaries {
  server: string;
  sqlTool: string;
}

export async function findServerBinaries(options: { env?: NodeJS.ProcessEnv; say?: Say } = {}): Promise<ServerBinaries> {
  const env = options.env ?? process.env;
  const dir = path.join(cacheRoot(env), `temporal-server-${PINNED_SERVER_VERSION}`);
  const module = `go.temporal.io/server`;
  await goInstallOnce(
    {
      what: `the Temporal server ${PINNED_SERVER_VERSION} and its SQL schema tool`,
      about: 'about 3 minutes',
      packages: [`${module}/cmd/server@v${PINNED_SERVER_VERSION}`, `${module}/cmd/tools/sql@v${PINNED_SERVER_VERSION}`],
      dir,
      // Both commands are called after their folder; name them for what they are.
      binaries: { server: 'temporal-server', sql: 'temporal-sql-tool' },
      goEnv: await toolchainFor(SERVER_MIN_GO, SERVER_TOOLCHAIN, env),
    },
    options,
  );
  return { server: path.join(dir, 'temporal-server'), sqlTool: path.join(dir, 'temporal-sql-tool') };
}

export async function findUiServer(options: { env?: NodeJS.ProcessEnv; say?: Say } = {}): Promise<string> {
  const env = options.env ?? process.env;
  const dir = path.join(cacheRoot(env), `temporal-ui-server-${PINNED_UI_SERVER_VERSION}`);
  await goInstallOnce(
    {
      what: `the Temporal Web UI server ${PINNED_UI_SERVER_VERSION}`,
      about: 'under a minute',
      packages: [`github.com/temporalio/ui-server/v2/cmd/server@v${PINNED_UI_SERVER_VERSION}`],
      dir,
      binaries: { server: 'temporal-ui-server' },
    },
    options,
  );
  return path.join(dir, 'temporal-ui-server');
}

/** GOTOOLCHAIN for a module that needs a newer Go than the local one; nothing when local is enough. */
async function toolchainFor(minimum: string, toolchain: string, env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const local = await run('go', ['env', 'GOVERSION'], { env })
    .then(({ stdout }) => stdout.trim().replace(/^go/, ''))
    .catch(() => undefined);
  if (local && compare(local, minimum) >= 0) return {};
  return { GOTOOLCHAIN: toolchain };
}

function compare(a: string, b: string): number {
  const pa = a.split(/[.\-a-z]/).map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] || 0) !== (pb[i] || 0)) return (pa[i] || 0) - (pb[i] || 0);
  return 0;
}
