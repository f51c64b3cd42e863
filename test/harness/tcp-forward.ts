// The run's Temporal dev server listens on loopback; a site in another network namespace
// reaches it through this forwarder, listening on this site's address on the link. Cutting the
// link then cuts the other site from the cluster exactly as it would cut a remote frontend.
import { createServer, type Server, type Socket, connect } from 'node:net';

export interface Forwarder {
  address: string;
  close(): Promise<void>;
}

/** Listens on `listenHost` at `listenPort` (any free port by default) and relays to `target`. */
export async function forwardTcp(listenHost: string, target: string, listenPort = 0): Promise<Forwarder> {
  const [targetHost, targetPort] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(targetPort, targetHost);
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      // Either end failing ends both: the client reconnects, as it would to a real frontend.
      socket.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, listenHost, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    address: `${listenHost}:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
