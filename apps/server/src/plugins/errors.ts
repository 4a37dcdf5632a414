/**
 * The errors plugin: every failure leaves the server as `{ error: { code, message } }` with the
 * status code of the catalogue in errors.ts. Expected failures keep their code; Fastify's own
 * errors (bad JSON, failed validation, unknown routes) are given one; anything else is a bug,
 * logged in full and answered with `InternalError` and no detail.
 */

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  ApiError,
  type ApiErrorCode,
  errorBody,
  isApiErrorCode,
  isClusterError,
  isScenarioError,
  RETRYABLE_CODES,
} from '../errors.ts';
import { rootPlugin } from './shared.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The code a failed body validation is answered with on this route, when a more precise one
     * than `InvalidRequest` exists (e.g. `InvalidLinkRule`).
     */
    invalidBodyCode?: ApiErrorCode;
  }
}

/** Fastify's own error codes, by the code the server answers them with. */
const FASTIFY_CODES: Record<string, ApiErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'InvalidJson',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'InvalidJson',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UnsupportedMediaType',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PayloadTooLarge',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'InvalidRequest',
};

/** Maps any thrown value to the error the client is told about. */
export function toApiError(err: unknown, request: FastifyRequest): ApiError {
  if (err instanceof ApiError) return err;
  if (isClusterError(err) || isScenarioError(err)) {
    return new ApiError(err.code, err.message, err.detail ?? {});
  }
  const fastifyError = err as Partial<FastifyError>;
  if (fastifyError.validation !== undefined) {
    const routeCode = request.routeOptions.config.invalidBodyCode;
    const code = fastifyError.validationContext === 'body' && routeCode ? routeCode : undefined;
    return new ApiError(code ?? 'InvalidRequest', fastifyError.message ?? 'invalid request', {
      in: fastifyError.validationContext ?? 'request',
    });
  }
  const mapped = fastifyError.code !== undefined ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped !== undefined) return new ApiError(mapped, fastifyError.message ?? mapped);
  if (isApiErrorCode(fastifyError.code)) {
    return new ApiError(fastifyError.code, fastifyError.message ?? fastifyError.code);
  }
  // Any other error Fastify raised with a 4xx status is a request it could not make sense of
  // (a malformed URL, a bad header): the client's fault, not a crash.
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return new ApiError('InvalidRequest', fastifyError.message ?? 'invalid request', {
      fastifyCode: fastifyError.code ?? null,
    });
  }
  return new ApiError('InternalError', 'the server failed to handle this request');
}

/** Answers with the error's status and body. */
export function sendApiError(reply: FastifyReply, error: ApiError): FastifyReply {
  if (RETRYABLE_CODES.has(error.code)) reply.header('retry-after', '1');
  return reply.code(error.statusCode).type('application/json').send(errorBody(error));
}

export const errorsPlugin = rootPlugin('raftlens-errors', async (app) => {
  app.setErrorHandler((err, request, reply) => {
    const error = toApiError(err, request);
    if (error.statusCode >= 500 && error.code === 'InternalError') {
      request.log.error({ err }, 'request failed');
    } else if (error.statusCode >= 500) {
      request.log.warn({ code: error.code, msg: error.message }, 'request failed');
    } else {
      request.log.info({ code: error.code }, 'request refused');
    }
    return sendApiError(reply, error);
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new ApiError('RouteNotFound', `no route ${request.method} ${request.url}`, {
      method: request.method,
      url: request.url,
    });
    return sendApiError(reply, error);
  });
});
