import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** An Avro schema as JSON. */
export type AvroJson = string | AvroJson[] | { [key: string]: AvroJson } | number | boolean | null;

const schemasDir = fileURLToPath(new URL('../../../schemas/', import.meta.url));

/** Named types by full name, as defined in schemas/*.avsc (one file per record type). */
export function loadNamedSchemas(dir: string = schemasDir): Map<string, AvroJson> {
  const named = new Map<string, AvroJson>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.avsc')).sort()) {
    const schema = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as AvroJson;
    if (!isObject(schema) || typeof schema.name !== 'string') throw new Error(`schemas/${file}: a top-level named type is required`);
    const fullName = typeof schema.namespace === 'string' ? `${schema.namespace}.${schema.name}` : schema.name;
    if (`${fullName.split('.').pop()}.avsc` !== file) throw new Error(`schemas/${file}: file name must match the type name ${fullName}`);
    named.set(fullName, schema);
  }
  return named;
}

/**
 * The self-contained schema for one top-level type: every reference to another file's type is inlined
 * at its first use, as a schema registry needs a single document per subject.
 */
export function composeSchema(fullName: string, named: Map<string, AvroJson> = loadNamedSchemas()): AvroJson {
  const root = named.get(fullName);
  if (root === undefined) throw new Error(`no schema named ${fullName} in schemas/`);
  const defined = new Set<string>();
  const visit = (node: AvroJson, namespace: string | undefined): AvroJson => {
    if (typeof node === 'string') {
      const full = node.includes('.') ? node : namespace ? `${namespace}.${node}` : node;
      const target = named.get(full);
      if (target === undefined || defined.has(full)) return node;
      return visit(target, namespace);
    }
    if (Array.isArray(node)) return node.map((n) => visit(n, namespace));
    if (!isObject(node)) return node;
    const ns = typeof node.namespace === 'string' ? node.namespace : namespace;
    if (typeof node.name === 'string' && (node.type === 'record' || node.type === 'enum' || node.type === 'fixed')) {
      defined.add(node.name.includes('.') ? node.name : ns ? `${ns}.${node.name}` : node.name);
    }
    const out: { [key: string]: AvroJson } = {};
    for (const [key, value] of Object.entries(node)) {
      out[key] = key === 'type' || key === 'items' || key === 'values' || key === 'fields' ? visit(value, ns) : value;
    }
    return out;
  };
  return visit(root, undefined);
}

function isObject(v: AvroJson | undefined): v is { [key: string]: AvroJson } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
