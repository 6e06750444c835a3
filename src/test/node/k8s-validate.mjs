// Validates rendered Kubernetes manifests against the Kubernetes and Prometheus Operator JSON
// schemas, as compiled into the npm packages `kubernetes-models` and
// `@kubernetes-models/prometheus-operator` (io.dynagate.deploy.ManifestSchemaTest runs it through
// io.dynagate.support.NodeScenario).
//
// Input (the only argument, a JSON file): {"documents": [{"source": "...", "object": {...}}, ...]}.
// Output (stdout): {"meta": {...}, "ops": [{"op": "<source> <kind>/<name>", "ok", "code",
// "message"}]}: one op per document. Codes: schema (a type, enum, format or required-field error
// of the schema), unknown_field (a field the schema does not declare), unknown_kind (no model for
// apiVersion/kind).
//
// The compiled schemas accept any extra field (they have no additionalProperties: false), and a
// misspelt field is exactly what kubectl's server-side validation would refuse. So each document
// is validated a second time through a Proxy that records which fields the validator looks at:
// an object whose declared properties the validator read, but which holds a key it never read,
// has an unknown field. Maps (labels, annotations, ConfigMap data) are enumerated by the
// validator and accept any key; objects the schema leaves free-form are neither read nor
// enumerated and are not judged.
import { readFileSync } from "node:fs";

const MODULES = {
  "": "kubernetes-models",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

async function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !/^[A-Za-z0-9]+$/.test(kind)) {
    return null;
  }
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const pkg = MODULES[group] ?? MODULES[""];
  try {
    const mod = await import(`${pkg}/${apiVersion}/${kind}`);
    return mod[kind] ?? null;
  } catch {
    return null;
  }
}

function unknownFields(Model, object) {
  const records = [];
  const wrap = (value, path) => {
    if (value === null || typeof value !== "object") {
      return value;
    }
    const isArray = Array.isArray(value);
    const record = { path, keys: isArray ? [] : Object.keys(value), read: new Set(), enumerated: false };
    if (!isArray) {
      records.push(record);
    }
    return new Proxy(value, {
      get(target, key) {
        if (typeof key !== "string") {
          return target[key];
        }
        record.read.add(key);
        return wrap(target[key], isArray ? `${path}[${key}]` : `${path}.${key}`);
      },
      has(target, key) {
        record.read.add(String(key));
        return key in target;
      },
      ownKeys(target) {
        record.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
  };
  Model.prototype.validate.call(wrap(structuredClone(object), ""));
  const unknown = [];
  for (const r of records) {
    if (r.enumerated || r.read.size === 0) {
      continue;
    }
    for (const key of r.keys) {
      if (!r.read.has(key)) {
        unknown.push(`${r.path}.${key}`);
      }
    }
  }
  return unknown;
}

async function check({ source, object }) {
  const name = `${source} ${object?.kind}/${object?.metadata?.name}`;
  const Model = await modelFor(object?.apiVersion, object?.kind);
  if (!Model) {
    return { op: name, ok: false, code: "unknown_kind", message: `no schema for ${object?.apiVersion} ${object?.kind}` };
  }
  try {
    new Model(object).validate();
  } catch (e) {
    return { op: name, ok: false, code: "schema", message: e.message };
  }
  const unknown = unknownFields(Model, object);
  if (unknown.length > 0) {
    return { op: name, ok: false, code: "unknown_field", message: `fields not in the schema: ${unknown.join(", ")}` };
  }
  return { op: name, ok: true };
}

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const ops = [];
for (const document of config.documents ?? []) {
  ops.push(await check(document));
}
const versions = {};
for (const pkg of Object.values(MODULES)) {
  versions[pkg] = JSON.parse(readFileSync(new URL(`./node_modules/${pkg}/package.json`, import.meta.url), "utf8")).version;
}
process.stdout.write(JSON.stringify({ meta: { node: process.version, packages: versions }, ops }) + "\n");
