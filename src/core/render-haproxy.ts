import type { Lab } from './lab-schema.ts';
import type { RenderOptions } from './options.ts';
import { STATS_AUTH_ENV } from './render-secrets.ts';
import { configIdRule, stampConfigId } from './config-id.ts';
import { defaultService, labServices, type LabService, replicasOf } from './services.ts';
import { seamlessReloadDefaults, serverStateGlobal } from './seamless-reload.ts';

/** Ports HAProxy binds inside its container; the host ports are mapped onto these. */
export const HAPROXY_APP_PORT = 8080;
export const HAPROXY_STATS_PORT = 1936;
const FRONTEND = 'web';
/** HAProxy's runtime API, inside the container on its loopback only (generated and student mode alike). */
export const RUNTIME_API_PORT = 9999;

/**
 * Server slots for `server-template`. Replicas are discovered through Docker's DNS, so scaling
 * within the slots needs no HAProxy restart or reload; unused slots show as MAINT (resolution).
 * A floor of 10 keeps the stats page short while leaving room for `lab scale`.
 */
export const serverSlots = (replicas: number): number => Math.max(10, Math.ceil(replicas / 10) * 10);

/** Where a lab runs: one engine through Compose (the default), or a Docker Swarm stack. */
export type Target = 'compose' | 'swarm';

/**
 * The DNS name HAProxy resolves to find the replicas. On one engine the service name answers
 * with every replica. In a swarm it answers with a VIP, which needs IPVS (absent on some
 * kernels) and hides the replicas from HAProxy; `tasks.<service>` answers with each task's
 * address (https://docs.docker.com/engine/swarm/networking/#configure-service-discovery).
 */
const replicasDnsName = (target: Target, service: string): string =>
  target === 'swarm' ? `tasks.${service}` : service;

/** Render haproxy.cfg for a lab. Pure: the same lab and options give the same bytes. */
export const renderHaproxyCfg = (lab: Lab, o: RenderOptions, target: Target = 'compose'): string =>
  stampConfigId(renderCfgText(lab, o, target));

function renderCfgText(lab: Lab, o: RenderOptions, target: Target): string {
  const http = o.mode === 'http';
  const services = labServices(lab);
  const slots = services
    .map((s) => `${services.length > 1 ? `${s.name} ` : ''}${serverSlots(replicasOf(o, s.name))}`)
    .join(', ');
  const lines = [
    `# haproxy.cfg for lab ${lab.id} (${o.project}), written by lab. \`lab up\` and \`lab render\` rewrite it.`,
    // The replica count is deliberately absent: scaling within the slots must leave this file
    // byte-identical, so HAProxy is not reloaded.
    `# ${services.length > 1 ? `server slots ${slots}` : `${slots} server slots`}, balance ${o.algorithm}, mode ${o.mode} (${http ? 'L7: one decision per request' : 'L4: one decision per connection'})${o.sticky ? ', sticky by cookie' : ''}.`,
    '',
    'global',
    '    log stdout format raw local0 info',
    "    # The runtime API, on the container's loopback only: lab rollout drains servers through it",
    '    # (docker exec), and nothing outside the container reaches it.',
    `    stats socket ipv4@127.0.0.1:${RUNTIME_API_PORT} level admin`,
    ...serverStateGlobal(),
    '',
    "# The engine's DNS answers with the address of every replica of the service: Docker's",
    "# embedded one (127.0.0.11), or Podman's aardvark-dns on the network's gateway. Each engine",
    "# writes its own into the container's /etc/resolv.conf, which HAProxy reads.",
    '# https://docs.haproxy.org/3.0/configuration.html#5.3.2',
    'resolvers docker',
    '    parse-resolv-conf',
    '    # Docker truncates answers at 512 bytes (~25 records) unless the client asks for more.',
    '    accepted_payload_size 8192',
    '    resolve_retries 3',
    '    # How often the replica list is re-read: a new or restarted replica joins within half a',
    '    # second (then passes its checks). Docker answers from memory; two queries a second are free.',
    '    timeout resolve 500ms',
    '    timeout retry 1s',
    '    hold refused 10s',
    '    hold nx 10s',
    '    hold timeout 10s',
    '    hold other 10s',
    ...(target === 'swarm'
      ? [
          // Measured on the test swarm: a drained zone's servers went DOWN 3.5 s after the drain,
          // at their kill; out on leaving DNS, 1.5 s sooner, with nothing in flight lost.
          '    # Swarm takes a task out of DNS, waits 2 s for load balancers to notice, then stops it',
          '    # (defaultGossipConvergeDelay, moby/moby daemon/cluster/executor/container/controller.go):',
          '    # a slot whose record is gone leaves rotation at once, while its replica still answers.',
          '    # The price: an answer that misses a record for a moment (a node briefly cut off) takes',
          '    # its slot out until the record is back, with nothing lost but a stats row that blinks.',
          '    hold obsolete 0s',
        ]
      : [
          '    # A stopped replica leaves DNS at once; keep its slot for a few seconds so the stats',
          '    # page shows it go DOWN before the slot returns to MAINT (resolution).',
          '    hold obsolete 5s',
        ]),
    '',
    'defaults',
    `    mode ${o.mode}`,
    '    log global',
    `    option ${http ? 'httplog' : 'tcplog'}`,
    ...seamlessReloadDefaults(http),
    '    # Failover without client errors: retry a failed connection, the last retry on another',
    '    # server (https://docs.haproxy.org/3.0/configuration.html#4.2-option%20redispatch).',
    '    retries 3',
    '    option redispatch 1',
    ...(http
      ? [
          '    # Also replay requests whose server died mid-way (http only; GET is safe to replay).',
          '    retry-on all-retryable-errors',
        ]
      : []),
    '    # A replica on the local bridge accepts a connection in well under a millisecond; a stopped',
    '    # one never answers (its address is gone), so this is how long a request to it waits before',
    '    # the retry goes to another replica, and the connect timeout of checks (min of this and inter).',
    '    timeout connect 500ms',
    '    timeout client 30s',
    '    timeout server 30s',
    '    # The app answers on the local bridge in milliseconds; a stopped replica never answers.',
    '    timeout check 500ms',
    '    # init-addr last,none: after a reload, the address each slot had (server-state-file);',
    '    # at first start, empty slots that DNS fills. Never libc at start-up, which would pin one',
    '    # replica (server-template entry of the manual).',
    '    # At start-up HAProxy spreads the first checks of all slots over one `inter`, so a short',
    '    # inter makes a new lab ready sooner; fastinter re-checks quickly while a server changes',
    '    # state, downinter re-checks a DOWN one. inter 250ms: lab up waits for every replica to',
    '    # pass a check, 0.41 s after its containers run against 0.62 s at 500ms (npm run bench);',
    '    # four checks a second per replica cost the app next to nothing. A server is UP only',
    '    # after `rise` passed checks, and DOWN after `fall` failed.',
    '    # observe layer4: real traffic counts too. A connection a replica fails (a stopped one)',
    '    # marks it DOWN at once (error-limit 1, on-error mark-down) rather than after two checks;',
    '    # the request itself is retried on another replica. Only connection errors count (not',
    "    # HTTP 5xx, which is layer7): an app answering errors stays in rotation, as a student's",
    '    # checks must see it. https://docs.haproxy.org/3.0/configuration.html#5.2-observe',
    `    default-server init-addr last,none resolvers docker resolve-prefer ipv4 check inter 250ms fastinter 100ms downinter 200ms fall 2 rise 2 observe layer4 error-limit 1 on-error mark-down${o.algorithm === 'first' ? ' maxconn 10' : ''}`,
    '',
    `frontend ${FRONTEND}`,
    `    bind :${HAPROXY_APP_PORT}`,
    ...routes(services),
    `    default_backend ${defaultService(services).name}`,
    '',
    ...services.flatMap((service) => backend(service, o, target)),
    'listen stats',
    `    bind :${HAPROXY_STATS_PORT}`,
    '    # lab reads this back after every start and reload: HAProxy runs this very file.',
    configIdRule(),
    '    mode http',
    '    log global',
    '    stats enable',
    '    stats uri /',
    '    stats refresh 5s',
    '    stats show-legends',
    "    # user:password from the container's environment (haproxy.env): this file holds no secret.",
    `    stats auth "\${${STATS_AUTH_ENV}}"`,
    ...(o.statsAdmin
      ? [
          '    # Published ports arrive from the bridge gateway, so "if LOCALHOST" would never match.',
          '    stats admin if TRUE',
        ]
      : [
          '    # No "stats admin": the page is published on every interface (--expose), where the',
          '    # password should not be enough to drain or stop servers (--stats-admin turns it on).',
        ]),
    '',
  ];
  return lines.join('\n');
}

/**
 * Services with a `path` get the requests whose path starts with it (at a path segment:
 * /api and /api/x, not /apix). Longest prefix first, so /api/v2 wins over /api. Only http
 * mode sees paths; in tcp mode every connection goes to the default backend.
 */
function routes(services: readonly LabService[]): string[] {
  const routed = services.filter((s) => s.path !== undefined).sort((a, b) => b.path!.length - a.path!.length);
  if (routed.length === 0) return [];
  return [
    '    # Path prefixes from the lab file (services.<name>.path); a request no prefix matches goes',
    '    # to the default backend. https://docs.haproxy.org/3.0/configuration.html#7.3.6-path',
    ...routed.map((s) => `    use_backend ${s.name} if { path ${s.path} } || { path_beg ${s.path}/ }`),
  ];
}

/** One backend per service, named after it; its servers are the service's replicas found by DNS. */
function backend(s: LabService, o: RenderOptions, target: Target): string[] {
  const http = o.mode === 'http';
  return [
    `backend ${s.name}`,
    '    # Always explicit: the default changed from roundrobin to random in HAProxy 3.3.',
    `    balance ${o.algorithm}`,
    ...(o.algorithm === 'first'
      ? [`    # first fills ${s.name}1 up to its maxconn before using the next server.`]
      : []),
    // The service sees its requests without its path prefix, as if it were alone: /api/json as /json.
    ...(http && s.path ? [`    http-request set-path %[path,regsub(^${s.path}/?,/)]`] : []),
    `    option httpchk GET ${s.health}`,
    '    http-check expect status 200',
    ...(http
      ? ['    # Lets a client see which server answered.', '    http-response set-header X-Served-By %[srv_name]']
      : []),
    ...(o.sticky
      ? [
          '    # Sticky sessions: HAProxy sets a cookie naming the server. "dynamic" derives each',
          '    # value from the server address, since server-template slots have no fixed name.',
          '    cookie SERVERID insert indirect nocache dynamic',
          `    dynamic-cookie-key ${o.project}`,
        ]
      : []),
    ...(target === 'swarm'
      ? [`    # tasks.${s.name}: one DNS record per task, on every node of the swarm's overlay network.`]
      : []),
    `    server-template ${s.name} 1-${serverSlots(replicasOf(o, s.name))} ${replicasDnsName(target, s.name)}:${s.port}`,
    '',
  ];
}
