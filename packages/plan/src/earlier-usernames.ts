import type { ModelBatch } from '@relocate/codec';
import type { Client } from '@relocate/database';
import type { Row } from '@relocate/model-writer';

/**
 * Usernames earlier batches of the plan gave their new users, with the ids the plan drew for them. An export may
 * hold one username twice (Sentry's own fixtures do); when the two land in different batches, the import's second
 * batch finds the first one's committed user and renames (or merges) the second. The plan's earlier batch was
 * rolled back, so before a user batch the earlier users it names are put back, for the length of its
 * transaction, as rows that hold just their id and username: the user rule then decides as in the import.
 */
export class EarlierUsernames {
  private readonly ids = new Map<string, number>();

  remember(rows: readonly Row[]): void {
    for (const r of rows) if (r.decision.kind === 'INSERTED') this.ids.set(String(r.values.username), Number(r.values.id));
  }

  async restore(client: Client, batch: ModelBatch): Promise<void> {
    if (this.ids.size === 0) return;
    const named = new Map<string, number>();
    for (const record of batch.records) {
      const fields = JSON.parse(record.fields) as Record<string, unknown>;
      // The username, or the email the user rule falls back to.
      for (const name of [fields.username, fields.email]) {
        const id = typeof name === 'string' ? this.ids.get(name) : undefined;
        if (id !== undefined) named.set(name as string, id);
      }
    }
    if (named.size === 0) return;
    await client.query(
      // An unusable password: a placeholder no one can log in as, gone with the rollback.
      `INSERT INTO auth_user (id, username, password) SELECT id, username, '!' FROM unnest($1::bigint[], $2::text[]) AS u(id, username) ON CONFLICT DO NOTHING`,
      [[...named.values()], [...named.keys()]],
    );
  }
}
