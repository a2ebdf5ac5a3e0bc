import { describe, expect, it } from 'vitest';
import { methodsAt, notFoundKind, type RouteEntry } from './route-registry.ts';

const routes: RouteEntry[] = [
  { method: 'GET', url: '/api/v1/subscribers/:msisdn/renewal', roles: null },
  { method: 'HEAD', url: '/api/v1/subscribers/:msisdn/renewal', roles: null },
  { method: 'POST', url: '/api/v1/rerates/dry-run', roles: null },
  // The dashboard's static files: every path matches it.
  { method: 'GET', url: '/*', roles: null },
  { method: 'HEAD', url: '/*', roles: null },
];

describe('methodsAt', () => {
  const at = methodsAt(routes);

  it('names the methods a path takes, query ignored', () => {
    expect(at('/api/v1/subscribers/%2B8613800000042/renewal?x=1')).toEqual(['GET', 'HEAD']);
    expect(at('/api/v1/rerates/dry-run')).toEqual(['POST']);
  });

  it('does not count a catch-all route as the path existing', () => {
    expect(at('/api/v1/nope')).toEqual([]);
    expect(at('/favicon.ico')).toEqual([]);
  });
});

describe('notFoundKind', () => {
  it('answers 405 only when the path has routes and none for this method', () => {
    expect(notFoundKind('POST', ['GET', 'HEAD'])).toBe('method_not_allowed');
    expect(notFoundKind('GET', [])).toBe('not_found');
    // A route for this very method that still ended in not-found (a missing file): 404.
    expect(notFoundKind('GET', ['GET', 'HEAD'])).toBe('not_found');
  });
});
