import { describe, expect, it } from '@jest/globals';
import { safeReturnTo } from '../../../../shared/identity/sso/return-to.js';

const ORIGINS = ['https://app.example.com', 'http://localhost:5173'];

describe('safeReturnTo', () => {
  it('accepts URLs on a configured origin, dropping any fragment', () => {
    expect(safeReturnTo('https://app.example.com/home?x=1', ORIGINS)).toBe('https://app.example.com/home?x=1');
    expect(safeReturnTo('https://APP.example.com/', ORIGINS)).toBe('https://app.example.com/');
    expect(safeReturnTo('https://app.example.com:443/a', ORIGINS)).toBe('https://app.example.com/a');
    expect(safeReturnTo('http://localhost:5173/cb#old', ORIGINS)).toBe('http://localhost:5173/cb');
  });

  it.each([
    ['another host', 'https://evil.example/'],
    ['a suffix of the host', 'https://app.example.com.evil.example/'],
    ['scheme-relative', '//evil.example/x'],
    ['scheme-relative with backslashes', '/\\evil.example'],
    ['relative path', '/home'],
    ['user-info trick', 'https://app.example.com@evil.example/'],
    ['user-info on the right host', 'https://user:pw@app.example.com/'],
    ['backslash trick', 'https://app.example.com\\@evil.example/'],
    ['backslashes as slashes', 'https:\\\\evil.example'],
    ['other scheme', 'javascript:alert(1)'],
    ['data URL', 'data:text/html,hi'],
    ['other port', 'https://app.example.com:8443/'],
    ['other scheme on the same host', 'http://app.example.com/'],
    ['leading whitespace', ' https://app.example.com/'],
    ['embedded tab', 'https://app.exa\tmple.com/'],
    ['embedded newline', 'https://app.example.com/\n'],
    ['missing host', 'https:///app.example.com'],
    ['empty', ''],
  ])('refuses %s', (_name, raw) => {
    expect(safeReturnTo(raw, ORIGINS)).toBeUndefined();
  });

  it('refuses everything when no origin is configured', () => {
    expect(safeReturnTo('https://app.example.com/', [])).toBeUndefined();
  });
});
