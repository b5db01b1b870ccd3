import { describe, expect, it } from '@jest/globals';
import { decodeContinuation, encodeContinuation } from '../../../shared/http/pagination.js';
import { checkIfMatch, etagOf } from '../../../shared/http/etag.js';
import { ProblemError } from '../../../shared/http/problem.js';
import { corsHeaders } from '../../../shared/http/headers.js';
import { openApiPath } from '../../../shared/http/openapi.js';

describe('continuation tokens', () => {
  it('round-trip for the same query and are refused for another', () => {
    const token = encodeContinuation('{"token":"+RID:abc"}', { q: 'users', status: 'active' }) as string;
    expect(token).not.toContain('RID');
    expect(decodeContinuation(token, { q: 'users', status: 'active' })).toBe('{"token":"+RID:abc"}');
    expect(() => decodeContinuation(token, { q: 'users', status: 'disabled' })).toThrow(ProblemError);
    expect(() => decodeContinuation('garbage!', {})).toThrow(/continuation token is not valid/);
    expect(encodeContinuation(undefined, {})).toBeUndefined();
  });
});

describe('ETags', () => {
  it('pass when If-Match is absent, *, or current; 412 otherwise', () => {
    const item = { _etag: '"0000-1"' };
    expect(etagOf(item)).toBe('"0000-1"');
    expect(checkIfMatch(undefined, item)).toBe('"0000-1"');
    expect(checkIfMatch('*', item)).toBe('"0000-1"');
    expect(checkIfMatch('"0000-1"', item)).toBe('"0000-1"');
    expect(checkIfMatch('W/"0000-1"', item)).toBe('"0000-1"');
    try {
      checkIfMatch('"0000-0"', item);
      throw new Error('expected 412');
    } catch (err) {
      expect((err as ProblemError).status).toBe(412);
    }
  });
});

describe('CORS and OpenAPI paths', () => {
  it('only reflects allow-listed origins', () => {
    expect(corsHeaders('https://a.example', ['https://a.example'])['Access-Control-Allow-Origin']).toBe('https://a.example');
    expect(corsHeaders('https://b.example', ['https://a.example'])).toEqual({});
    expect(corsHeaders(null, ['https://a.example'])).toEqual({});
  });

  it('turns route templates into OpenAPI paths', () => {
    expect(openApiPath('v1/users/{id}')).toBe('/api/v1/users/{id}');
    expect(openApiPath('v1/n/{n:int}/{rest?}')).toBe('/api/v1/n/{n}/{rest}');
    expect(openApiPath('v1/files/{*path}')).toBe('/api/v1/files/{path}');
  });
});
