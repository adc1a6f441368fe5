/**
 * Contestant 4, the COPY of relocate's rows: the rows the relocate contestant wrote to the compared tables go, with
 * PostgreSQL COPY, into an empty database made by the same migrations (same indexes, unique constraints and
 * deferred foreign keys), in one transaction. The copy bound remaps the export itself; this one takes relocate's
 * own output, so relocate's rows/s over this is its share of the fastest way to write exactly what it wrote.
 * Reading relocate's tables out to files happens before the clock; the COPYs, the sequences and the COMMIT are timed.
 * relocate's bookkeeping (primary-key map, chunks, groups, the relocation record) is not copied: it is not in the
 * compared tables, and nothing in them refers to it.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { loadConfig } from '@relocate/config';
import { createPool, ident, joinSql, sql, withClient, withTransaction } from '@relocate/database';
import { comparedTables, contestantInput, countTables, freshDatabase, peakRssBytes, report, timed } from './contestant.ts';

interface TableCopy { table: string; columns: string[]; sequences: Array<{ column: string; sequence: string }>; file: string }

report(async () => {
  const input = contestantInput();
  if (!input.copyFrom) throw new Error('copy-relocated takes --copy-from <the relocate contestant\'s database url>');
  const config = loadConfig();
  const target = await freshDatabase(config);
  const source = createPool({ ...config, databaseUrl: input.copyFrom }, 1);
  const dir = mkdtempSync(path.join(tmpdir(), 'relocate-bench-copy-relocated-'));
  try {
    // Untimed: relocate's rows out to COPY files, in the order of comparedTables (referenced tables first).
    const copies: TableCopy[] = [];
    for (const table of comparedTables) {
      // The table's stored columns, as the migrations made them: a generated column cannot be written.
      const { rows } = await target.query<{ column: string; sequence: string | null }>(
        `SELECT attname AS column, pg_get_serial_sequence($1, attname) AS sequence FROM pg_attribute
         WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`, [table]);
      const copy: TableCopy = {
        table, columns: rows.map((r) => r.column), file: path.join(dir, `${table}.copy`),
        sequences: rows.flatMap((r) => (r.sequence ? [{ column: r.column, sequence: r.sequence }] : [])),
      };
      const list = joinSql(copy.columns.map(ident));
      await withClient(source, (client) => pipeline(client.query(copyTo(sql`COPY (SELECT ${list} FROM ${ident(table)}) TO STDOUT`.text)), createWriteStream(copy.file)));
      copies.push(copy);
    }
    const expected = await countTables(source);

    const run = await timed(() => withTransaction(target, async (client) => {
      // The foreign keys are DEFERRABLE: checked once, at COMMIT, as relocate's writer has them checked.
      await client.query('SET CONSTRAINTS ALL DEFERRED');
      for (const c of copies) {
        await pipeline(createReadStream(c.file), client.query(copyFrom(sql`COPY ${ident(c.table)} (${joinSql(c.columns.map(ident))}) FROM STDIN`.text)));
      }
      // As after relocate: the next row inserted gets an id past the copied ones.
      for (const c of copies) {
        for (const s of c.sequences) {
          await client.query(sql`SELECT setval($1::regclass, m) FROM (SELECT max(${ident(s.column)}) AS m FROM ${ident(c.table)}) t WHERE m IS NOT NULL`.text, [s.sequence]);
        }
      }
    }));
    const tables = await countTables(target);
    for (const t of comparedTables) {
      if (tables[t] !== expected[t]) throw new Error(`copied ${tables[t]} rows of ${t}, relocate wrote ${expected[t]}`);
    }
    return { contestant: 'copy-relocated', rows: input.rows, wallMs: run.wallMs, cpuMs: run.cpuMs, peakRssBytes: peakRssBytes(), tables };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await source.end();
    await target.end();
  }
});
