import { createServer } from 'node:net';
import { BybotError, ERROR_CODES } from '../domain/errors.ts';

/** The one clear error for a taken port (also raised by the real listen if the port is taken in between). */
export function portInUse(host: string, port: number): BybotError {
  return new BybotError(ERROR_CODES.PORT_IN_USE, `http.port ${port} on ${host} is in use by another process; stop it or choose another port (--port N, or --port 0 for any free one)`, 'system', false, {
    details: { host, port },
  });
}

/**
 * Start-up checks the HTTP port before connecting to the exchange: a taken port then fails
 * at once with one line, instead of after websockets were opened and torn down again.
 */
export function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? portInUse(host, port) : error));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
