import { stopWhenOrphaned } from './orphan.ts';

// Each process stops cleanly on SIGINT (Ctrl-C) or SIGTERM, once, whichever comes first;
// under `npm start`, also when the supervisor is gone (killed without a chance to stop it).
export function onShutdown(stop: () => Promise<void>, log: (message: string) => void = () => undefined): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received, stopping`);
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  if (process.env.CORRIDOR_SUPERVISED) stopWhenOrphaned(() => handler('SIGTERM'));
}
