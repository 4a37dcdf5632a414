/**
 * JSON bodies, with one allowance: an empty body sent as `application/json` is no body. Some
 * clients label every POST as JSON, body or not; a route that takes no body (pause, a scenario's
 * forward) or whose body is optional (`bodyOptional` in its config) then accepts the call,
 * while a route that needs a body still answers `InvalidJson`, as for any malformed one.
 */

import { rootPlugin } from './shared.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's body may be left out, even when labelled as JSON. */
    bodyOptional?: boolean;
  }
}

export const jsonBodyPlugin = rootPlugin('raftlens-json-body', async (app) => {
  // Fastify's own parser, with its protections against prototype poisoning.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') {
      const route = request.routeOptions;
      if (route.schema?.body === undefined || route.config.bodyOptional === true) {
        done(null, undefined);
        return;
      }
    }
    parseJson(request, body.toString(), done);
  });
});
