// The app's control port: inject and clear faults. Compose never publishes it, and the main
// port has no route to any of this, so only the lab (from inside the lab network) reaches it.
import http from 'node:http';
import { FAULTS, parseFault } from './faults.mjs';
import { HttpError, guarded, onlyParams, readParams, send, sendJson } from './http.mjs';

/**
 * GET /            the app's status (identity, requests, faults, session store)
 * GET /faults      the active faults
 * POST /faults/K   inject fault K (parameters in the query or a JSON body)
 * DELETE /faults/K clear fault K; DELETE /faults clears them all
 */
export function controlServer({ faults, status, exit }) {
  return http.createServer(guarded(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, first, kind, extra] = url.pathname.split('/');
    const route = `${req.method} /${first}${kind === undefined ? '' : '/:kind'}`;
    if (extra !== undefined) throw new HttpError(404, `not found: ${url.pathname}`);
    switch (route) {
      case 'GET /health': return send(res, 200, 'ok\n');
      case 'GET /': return sendJson(res, 200, await status());
      case 'GET /faults': return sendJson(res, 200, faults.view());
      case 'POST /faults/:kind': {
        const params = await readParams(req, url);
        const settings = parseFault(kind, params);
        if (kind === 'exit') {
          // Answer first, so the caller knows the exit was on purpose, then go.
          res.on('finish', () => setImmediate(() => exit(settings.code)));
          return sendJson(res, 202, { exiting: true, code: settings.code });
        }
        faults.set(kind, settings);
        return sendJson(res, 200, faults.view());
      }
      case 'DELETE /faults/:kind': {
        onlyParams(Object.fromEntries(url.searchParams), [], 'clearing a fault');
        if (!Object.hasOwn(FAULTS, kind) || kind === 'exit') {
          throw new HttpError(404, `no fault named ${JSON.stringify(kind)}: use one of ${Object.keys(FAULTS).filter((k) => k !== 'exit').join(', ')}`);
        }
        faults.clear(kind);
        return sendJson(res, 200, faults.view());
      }
      case 'DELETE /faults':
        faults.clearAll();
        return sendJson(res, 200, faults.view());
      default: {
        const known = ['/', '/health', '/faults'].includes(`/${first}`) || (first === 'faults' && kind !== undefined);
        throw new HttpError(known ? 405 : 404, known ? `method ${req.method} not allowed on ${url.pathname}` : `not found: ${url.pathname}`);
      }
    }
  }));
}
