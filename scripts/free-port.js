// A free loopback port, for tests and benchmarks that start servers of their own.
import net from "node:net";

/** Asks the OS for a free port. @returns {Promise<number>} */
export async function freePort(host = "127.0.0.1") {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}
