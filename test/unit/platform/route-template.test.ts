import { describe, expect, it } from '@jest/globals';
import { byPrecedence, compileRoute } from '../../../shared/platform/local/route-template.js';

describe('Functions route templates', () => {
  it('binds parameters and matches literals case-insensitively', () => {
    const r = compileRoute('v1/users/{id}/roles');
    expect(r.match('v1/users/abc/roles')).toEqual({ id: 'abc' });
    expect(r.match('V1/Users/abc/ROLES')).toEqual({ id: 'abc' });
    expect(r.match('v1/users/abc')).toBeUndefined();
    expect(r.match('v1/users/abc/roles/x')).toBeUndefined();
  });

  it('supports optional parameters, catch-all and constraints', () => {
    expect(compileRoute('v1/items/{id?}').match('v1/items')).toEqual({});
    expect(compileRoute('v1/items/{id?}').match('v1/items/7')).toEqual({ id: '7' });
    expect(compileRoute('v1/files/{*path}').match('v1/files/a/b/c.txt')).toEqual({ path: 'a/b/c.txt' });
    const n = compileRoute('v1/n/{n:int}');
    expect(n.match('v1/n/42')).toEqual({ n: '42' });
    expect(n.match('v1/n/x')).toBeUndefined();
    const g = compileRoute('v1/g/{id:guid}');
    expect(g.match('v1/g/3f2504e0-4f89-11d3-9a0c-0305e82c3301')).toBeDefined();
    expect(g.match('v1/g/nope')).toBeUndefined();
    expect(compileRoute('v1/a/{name:alpha:maxlength(3)}').match('v1/a/abcd')).toBeUndefined();
    expect(compileRoute('v1/r/{code:regex(^[A-Z]+$)}').match('v1/r/AB')).toBeDefined();
    expect(compileRoute('v1/r/{code:regex(^[A-Z]+$)}').match('v1/r/ab')).toBeUndefined();
  });

  it('decodes percent-encoded segments', () => {
    expect(compileRoute('v1/x/{v}').match('v1/x/a%20b')).toEqual({ v: 'a b' });
  });

  it('prefers literal segments over parameters', () => {
    const routes = [compileRoute('v1/users/{id}'), compileRoute('v1/users/me'), compileRoute('v1/{*rest}')].sort(byPrecedence);
    expect(routes.map((r) => r.template)).toEqual(['v1/users/me', 'v1/users/{id}', 'v1/{*rest}']);
  });

  it('rejects templates it does not understand', () => {
    expect(() => compileRoute('v1/{id:unknownconstraint}')).toThrow(/unsupported/);
  });
});
