import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mintOrgAuthToken } from './secrets.ts';

test('a minted org auth token carries the organization slug and the site URL in its claims', () => {
  const token = mintOrgAuthToken({ urlPrefix: 'https://sentry.example' }, 'acme-x2', new Date('2026-01-01T00:00:00Z'));
  const [prefix, claims, secret] = token.split('_') as [string, string, string];
  assert.equal(prefix, 'sntrys');
  assert.deepEqual(JSON.parse(Buffer.from(claims, 'base64').toString()), { iat: 1767225600, url: 'https://sentry.example', region_url: 'https://sentry.example', org: 'acme-x2' });
  assert.equal(Buffer.from(secret, 'base64').length, 32);
  assert.notEqual(mintOrgAuthToken({ urlPrefix: 'u' }, 's'), mintOrgAuthToken({ urlPrefix: 'u' }, 's'));
});
