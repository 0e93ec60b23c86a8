import { BATCH_ROUTES, GATEWAY_ROUTES, keyContextField, pathParameters, routeOf } from '../../constructs/openai-routes';
import { AUTHORIZER_KEY_CONTEXT } from '../../lib/shared/litellm';

describe('BATCH_ROUTES', () => {
  test.each([
    ['POST', '/v1/files', 'v1/files'],
    ['GET', '/v1/files', 'v1/files'],
    ['GET', '/v1/files/file-abc', 'v1/files/{file_id}'],
    ['DELETE', '/v1/files/file-abc', 'v1/files/{file_id}'],
    ['GET', '/v1/files/file-abc/content', 'v1/files/{file_id}/content'],
    ['POST', '/v1/batches', 'v1/batches'],
    ['GET', '/v1/batches', 'v1/batches'],
    ['GET', '/v1/batches/batch_abc', 'v1/batches/{batch_id}'],
    ['POST', '/v1/batches/batch_abc/cancel', 'v1/batches/{batch_id}/cancel'],
  ])('matches %s %s to %s, which writes the bare key', (method, path, route) => {
    const matched = routeOf(method, path);
    expect(matched?.path).toBe(route);
    expect(keyContextField(matched!)).toBe(AUTHORIZER_KEY_CONTEXT.bare);
  });

  test.each([
    ['DELETE', '/v1/batches/batch_abc'],
    ['POST', '/v1/files/file-abc'],
    ['GET', '/v1/batches/batch_abc/cancel'],
    ['GET', '/v1/files/file-abc/content/extra'],
  ])('matches no route for %s %s (API Gateway answers 404)', (method, path) => {
    expect(routeOf(method, path)).toBeUndefined();
  });

  test('names the path parameters the integration forwards, and every route is part of the gateway', () => {
    expect(BATCH_ROUTES.map(pathParameters)).toEqual([[], ['file_id'], ['file_id'], [], ['batch_id'], ['batch_id']]);
    for (const route of BATCH_ROUTES) expect(GATEWAY_ROUTES).toContain(route);
  });
});
