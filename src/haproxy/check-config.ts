import type Dockerode from 'dockerode';
import { configCheckLabels } from '../core/labels.ts';
import { CFG_DIR_IN_CONTAINER, LAB_CFG_FILE, STUDENT_CFG_FILE } from '../core/render-lab-cfg.ts';
import { STATS_AUTH_ENV } from '../core/render-secrets.ts';
import { demux } from '../docker/engine.ts';

export interface CheckRequest {
  image: string;
  /** The workspace's haproxy/ folder, holding 00-lab.cfg and the student's haproxy.cfg. */
  dir: string;
  labId: string;
  project: string;
  workspace: string;
  /**
   * The running HAProxy container: the check shares its network namespace, so names in the
   * student's file (`server app1 app:8000`) resolve through Docker's DNS as they will when
   * HAProxy loads the file. Without it, `haproxy -c` rejects every plain server line with
   * "could not resolve address".
   */
  haproxyId?: string;
}

/** HAProxy's -dr: a server whose name does not resolve is disabled instead of an error (no DNS without a running lab). */
const IGNORE_UNRESOLVED = '-dr';

/**
 * `haproxy -c -f 00-lab.cfg -f haproxy.cfg` in the lab's own HAProxy image (the version the
 * lab runs), in a throwaway container: in the running HAProxy's network namespace (for its DNS;
 * `-c` binds nothing) or else no network, where names cannot resolve, so `-dr` lets them pass
 * (HAProxy's manual, "Management", 3: "-dr : ignore server address resolution failures"); the
 * folder mounted read-only; lab's labels (core/labels.ts configCheckLabels) so that lab down and
 * lab reset find it if lab is killed meanwhile; removed before this returns, also on failure. Entrypoint haproxy: the official image's
 * entrypoint script would add -W -db. The stats credentials are a stand-in: only the syntax
 * of `stats auth "${LAB_STATS_AUTH}"` matters here.
 */
export async function checkStudentConfig(docker: Dockerode, r: CheckRequest): Promise<{ ok: boolean; output: string }> {
  const ctr = await docker.createContainer({
    Image: r.image,
    Entrypoint: ['haproxy'],
    Cmd: [
      '-c',
      ...(r.haproxyId ? [] : [IGNORE_UNRESOLVED]),
      '-f',
      `${CFG_DIR_IN_CONTAINER}/${LAB_CFG_FILE}`,
      '-f',
      `${CFG_DIR_IN_CONTAINER}/${STUDENT_CFG_FILE}`,
    ],
    Env: [`${STATS_AUTH_ENV}=check:check`],
    Labels: configCheckLabels(r.labId, r.project, r.workspace),
    ...(r.haproxyId ? {} : { NetworkDisabled: true }),
    HostConfig: {
      NetworkMode: r.haproxyId ? `container:${r.haproxyId}` : 'none',
      Binds: [`${r.dir}:${CFG_DIR_IN_CONTAINER}:ro`],
    },
  });
  try {
    await ctr.start();
    const { StatusCode } = (await ctr.wait()) as { StatusCode: number };
    const raw = await ctr.logs({ stdout: true, stderr: true, follow: false });
    return { ok: StatusCode === 0, output: demux(raw) };
  } finally {
    await ctr.remove({ force: true }).catch(() => undefined);
  }
}
