import { Agent } from 'node:http';
import type { Socket } from 'node:net';

import Docker from 'dockerode';

import type { RemoteHost } from '../../platform/remote-host';

/**
 * dockerode through the controller's shared SSH connection: every HTTP socket is an OpenSSH direct-streamlocal
 * channel to the controller's Docker socket (lab.md §3.4). No second connection, no docker CLI on the controller.
 */
export function dockerOverHost(host: RemoteHost, socketPath = '/var/run/docker.sock'): Docker {
  const agent = new Agent({ keepAlive: false, maxSockets: 8 });
  const patched = agent as unknown as {
    createConnection: (options: unknown, done: (error: Error | null, socket?: Socket) => void) => undefined;
  };
  patched.createConnection = (_options, done) => {
    host.openUnixSocket(socketPath).then(
      (channel) => done(null, channel as unknown as Socket),
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
    // Must be undefined: a returned value would be taken as the socket and the request would hang.
    return undefined;
  };
  // The host name is never resolved: the agent above makes every connection.
  return new Docker({ protocol: 'http', host: 'docker.invalid', port: 80, agent } as unknown as Docker.DockerOptions);
}
