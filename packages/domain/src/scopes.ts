import type { ImportScope } from '@relocate/codec';
import type { RelocationScope } from './model-graph.ts';

/** Which relocation scopes each import scope admits (Sentry's ImportScope). */
export const admittedScopes: Record<ImportScope, ReadonlySet<RelocationScope>> = {
  USER: new Set(['User']),
  ORGANIZATION: new Set(['User', 'Organization']),
  CONFIG: new Set(['User', 'Config']),
  GLOBAL: new Set(['User', 'Organization', 'Config', 'Global']),
};

/** ApiToken-like models have several scopes and pick one per instance, as do global saved searches; the rest have one. */
export function instanceScope(model: string, scopes: RelocationScope[], fields: Record<string, unknown>): RelocationScope {
  // A saved search shared by the whole installation belongs to no organization: only a global import brings it.
  if (model === 'sentry.savedsearch' && fields.is_global === true) return 'Global';
  if (scopes.length === 1) return scopes[0] as RelocationScope;
  if (model === 'sentry.apitoken' || model === 'sentry.apiauthorization' || model === 'sentry.apigrant') {
    return fields.application_id != null || fields.application != null ? 'Global' : 'Config';
  }
  // Unknown multi-scope models take the narrowest scope, so they are never admitted more widely than Sentry would.
  return scopes.includes('Config') ? 'Config' : (scopes[scopes.length - 1] as RelocationScope);
}
