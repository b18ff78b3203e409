import type { Lab } from './lab-schema.ts';
import type { RenderOptions } from './options.ts';
import { substitute } from './images.ts';
import { labServices } from './services.ts';

/** The compose service of a lab's clients (lab-schema.ts `clients:`). */
export const CLIENT_SERVICE = 'client';

/** The port a client waits for commands on (compose/whoami/README.md, "Client mode"); never published. */
const CLIENT_CONTROL_PORT = 8001;

/**
 * The client containers: the demo app in client mode, waiting for commands on its control
 * port, one container (and one IP) per replica of the service. No ports: lab reaches them by
 * exec (docker/app-control.ts), on a local or a remote engine alike. Pure; undefined without clients.
 */
export function clientService(
  lab: Lab,
  o: RenderOptions,
  labels: Record<string, string>,
): Record<string, unknown> | undefined {
  const count = lab.clients;
  if (count === 0) return undefined;
  // The clients run the demo app's image: the lab's first service's.
  const app = labServices(lab)[0]!;
  return {
    image: substitute(app.image, o.images),
    // The app's image is built by the app service: never pull it from a registry, and start
    // the clients after the build (compose builds before it creates any container).
    ...(app.build ? { pull_policy: 'never', depends_on: [app.name] } : {}),
    environment: { MODE: 'client', CONTROL_PORT: String(CLIENT_CONTROL_PORT) },
    deploy: { replicas: count },
    labels,
    stop_grace_period: '2s',
  };
}
