import { overwritableConfig } from './configs.ts';
import { monitor } from './monitors.ts';
import { organization, organizationMember, project } from './organizations.ts';
import { apiApplication, apiToken, orgAuthToken, projectKey } from './secrets.ts';
import type { ModelRule } from './types.ts';
import { userIp, userOption } from './user-settings.ts';
import { email, user, userEmail, userPermission } from './users.ts';

export type { ModelRule, Row, RuleContext, SiteSettings } from './types.ts';
export { mintOrgAuthToken } from './secrets.ts';
export { drawIds } from './lookup.ts';

/** The models whose import differs from a plain insert; every other relocatable model takes the default path. */
export const modelRules: ReadonlyMap<string, ModelRule> = new Map([
  ['sentry.user', user],
  ['sentry.email', email],
  ['sentry.useremail', userEmail],
  ['sentry.userpermission', userPermission],
  ['sentry.userip', userIp],
  ['sentry.useroption', userOption],
  ['sentry.organization', organization],
  ['sentry.organizationmember', organizationMember],
  ['sentry.project', project],
  ['sentry.option', overwritableConfig(['key'])],
  ['sentry.controloption', overwritableConfig(['key'])],
  ['sentry.relay', overwritableConfig(['relay_id'])],
  ['sentry.relayusage', overwritableConfig(['relay_id', 'version'])],
  ['sentry.userrole', overwritableConfig(['name'])],
  ['sentry.projectkey', projectKey],
  ['sentry.apitoken', apiToken],
  ['sentry.apiapplication', apiApplication],
  ['sentry.orgauthtoken', orgAuthToken],
  ['sentry.monitor', monitor],
]);

/** Sentry's deleted fields and models (its import shims): dropped, each value or record named in a finding. */
export const deletedFields: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['sentry.team', new Set(['org_role', 'actor'])],
  ['sentry.rule', new Set(['owner'])],
  ['sentry.alertrule', new Set(['owner'])],
  ['sentry.grouphistory', new Set(['actor'])],
]);
export const deletedModels: ReadonlySet<string> = new Set(['sentry.actor']);

/** Models written only after their organization's slug is final (by the reservation stage), as Sentry defers them. */
export const deferredModels: ReadonlySet<string> = new Set(['sentry.orgauthtoken']);
