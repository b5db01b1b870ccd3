import { describe, expect, it } from '@jest/globals';
import { decodeContinuation, encodeContinuation } from '../../../shared/http/pagination.js';
import { checkIfMatch, etagOf, readIfMatch } from '../../../shared/http/etag.js';
import { idParam, isSlug, isWellFormed } from '../../../shared/http/identifiers.js';
import { ProblemError } from '../../../shared/http/problem.js';
import { corsHeaders } from '../../../shared/http/headers.js';
import { openApiPath } from '../../../shared/http/openapi.js';
import { route } from '../../../functions/triggers.js';

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

describe('If-Match', () => {
  it('reads *, one or several entity tags, and refuses anything else with 400 naming the header', () => {
    expect(readIfMatch(null)).toBeUndefined();
    for (const ok of ['*', '"abc"', 'W/"abc"', '"a", W/"b" ,"c"', '"00000000-0000-0000-1234-56789abc0000"']) expect(readIfMatch(ok)).toBe(ok);
    for (const bad of ['stale', '"unterminated', '"a" "b"', '**', `"${'a'.repeat(2000)}"`, '"a"b"']) {
      try {
        readIfMatch(bad);
        throw new Error(`accepted ${bad}`);
      } catch (err) {
        expect((err as ProblemError).status).toBe(400);
        expect((err as ProblemError).errors?.[0]?.field).toBe('header.if-match');
      }
    }
  });

  it('is declared by every PATCH, PUT and DELETE route: route() refuses one that does not', () => {
    const spec = { name: 'probe', route: 'v1/probe/{id}', access: { kind: 'public' } as const, summary: 'probe', tags: [], responses: {}, handler: async () => ({}) };
    for (const method of ['PATCH', 'PUT', 'DELETE'] as const) {
      expect(() => route({ ...spec, method })).toThrow(/must declare ifMatch/);
      expect(route({ ...spec, method, ifMatch: true }).method).toBe(method);
    }
    expect(route({ ...spec, method: 'POST' }).method).toBe('POST');
  });
});

describe('ids and slugs', () => {
  it('tells well-formed UTF-16 from lone surrogates', () => {
    expect(isWellFormed('Hôtel \ud83d\ude00')).toBe(true);
    for (const s of ['\ud800', 'a\udfff', '\udc00\ud800']) expect(isWellFormed(s)).toBe(false);
  });

  it('accepts ids and slugs of the allowed characters only', () => {
    for (const id of ['user_1', 'role:9f0c-aa', '6f1c2b1e-5d3a-4c2b-9a7e-2f4d8c1b0a9e']) expect(idParam.safeParse(id).success).toBe(true);
    for (const id of ['', '\ud800', 'a/b', 'a\u0000', '\u202eabc', 'a'.repeat(129), 'a b']) expect(idParam.safeParse(id).success).toBe(false);
    expect(isSlug('Demo')).toBe(true);
    for (const s of ['\ud800', 'de mo', '-demo', 'a', '\u202edemo', 'x'.repeat(64)]) expect(isSlug(s)).toBe(false);
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
