import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admittedScopes, instanceScope } from './scopes.ts';

test('a global saved search is admitted only by a global import; an organization one by organization scope too', () => {
  const global = instanceScope('sentry.savedsearch', ['Organization'], { is_global: true, name: 'Unresolved' });
  const own = instanceScope('sentry.savedsearch', ['Organization'], { is_global: false, organization: 1 });
  assert.equal(global, 'Global');
  assert.equal(own, 'Organization');
  assert.equal(admittedScopes.ORGANIZATION.has(global), false);
  assert.equal(admittedScopes.GLOBAL.has(global), true);
  assert.equal(admittedScopes.ORGANIZATION.has(own), true);
});

test('an api token with an application is global, without one it is config', () => {
  const scopes = ['Config', 'Global'] as const;
  assert.equal(instanceScope('sentry.apitoken', [...scopes], { application: 3 }), 'Global');
  assert.equal(instanceScope('sentry.apitoken', [...scopes], { application: null }), 'Config');
});
