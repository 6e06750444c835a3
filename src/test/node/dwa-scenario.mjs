// Drives the real DynamicsWebApi 2.5.0 client (npm "dynamics-web-api") through a fixed scenario
// against a Dataverse Web API — dynagate's /proxy/{connectionId} or the sandbox emulator — and
// reports what each call did as ONE JSON document on stdout. Diagnostics go to stderr only.
//
//   node dwa-scenario.mjs <config.json>
//
// config: {"serverUrl":"http://127.0.0.1:P/proxy/<conn>",
//          "auth":{"mode":"header"|"headerOnly"|"bearer"|"token", "key":"dgk_…", "token":"…",
//                  "foreignToken":"…"},
//          "runId":"…", "longQueryChars":2100,
//          "timeoutMs":60000, "opTimeoutMs":20000, "requestTimeoutMs":15000}
//   header: X-Api-Key in the client's default headers (config.headers, sent with every request)
//           plus onTokenRefresh returning a foreign (Entra-looking, not gateway) bearer token;
//   headerOnly: X-Api-Key in config.headers and no onTokenRefresh, so no Authorization at all;
//   bearer: no custom header, onTokenRefresh returns the API key (Authorization: Bearer dgk_…);
//   token:  onTokenRefresh returns auth.token (a Dataverse/sandbox access token), no custom header.
//
// Output: {"meta":{…}, "ops":[{op, ok, status, code, message, result, error?, wire, ms}, …]}
//   ok      the library call resolved with a value that is not an Error (batches: no part failed)
//   status, code, message
//           from the library's error object as a caller sees it (error.status, error.code,
//           error.message); null when ok. Harness-made outcomes use codes "harness.*".
//   result  a small summary of what the library returned (ids, counts, names, selected columns,
//           annotations and the *_Formatted / *_LogicalName keys the library derived)
//   error   the rest of the error object: its own property names, statusText, statusMessage,
//           innererror, selected response headers, error.error (a failed $batch part keeps
//           Dataverse's {"error":{code,message}} there and has an empty message), and
//           returnedNotThrown when the library resolved with the Error instead of rejecting
//   wire    every HTTP exchange the op caused, as handed to node's http.request (method, URL,
//           status, request headers with credentials replaced by labels, $batch parts as written
//           and the part statuses of the answer)
// Every op runs on its own: a failure is recorded and the next op runs. Exit code 0 whenever the
// document was written (whatever the ops did), 2 for a bad command line or config, 1 for a crash.

import { readFileSync } from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { randomUUID } from "node:crypto";
import { DynamicsWebApi } from "dynamics-web-api";

const require = createRequire(import.meta.url);

/** DynamicsWebApi 2.5 sends a GET as a $batch when its path (below …/api/data/v9.2/) is longer. */
const LIB_BATCH_THRESHOLD = 2000;
const MAX_RECORDS = 10;

const log = (...args) => console.error("[dwa-scenario]", ...args);

// ---------------------------------------------------------------------------------------------
// Configuration

function usage(message) {
  console.error(`dwa-scenario: ${message}\nusage: node dwa-scenario.mjs <config.json>`);
  process.exit(2);
}

function readConfig(argv) {
  if (argv.length !== 1) usage("expected exactly one argument, the config file");
  let cfg;
  try {
    cfg = JSON.parse(readFileSync(argv[0], "utf8"));
  } catch (e) {
    usage(`cannot read config ${argv[0]}: ${e.message}`);
  }
  if (typeof cfg.serverUrl !== "string" || !/^https?:\/\//.test(cfg.serverUrl)) {
    usage("config.serverUrl must be an http(s) URL");
  }
  const auth = cfg.auth || {};
  if (!["header", "headerOnly", "bearer", "token"].includes(auth.mode)) {
    usage('config.auth.mode must be "header", "headerOnly", "bearer" or "token"');
  }
  const secret = auth.mode === "token" ? (auth.token ?? auth.key) : auth.key;
  if (typeof secret !== "string" || !secret) {
    usage(`config.auth.${auth.mode === "token" ? "token" : "key"} is required`);
  }
  const positive = (v, d) => (Number.isFinite(v) && v > 0 ? v : d);
  return {
    // new URL("api/data/v9.2", base) drops the base's last segment unless it ends with "/":
    // "…/proxy/sandbox" would become "…/proxy/api/data/v9.2/".
    serverUrl: cfg.serverUrl.endsWith("/") ? cfg.serverUrl : `${cfg.serverUrl}/`,
    givenServerUrl: cfg.serverUrl,
    mode: auth.mode,
    secret,
    foreignToken: auth.foreignToken || foreignEntraLikeToken(),
    runId: String(cfg.runId || randomUUID().slice(0, 8)),
    longQueryChars: positive(cfg.longQueryChars, 2100),
    timeoutMs: positive(cfg.timeoutMs, 60_000),
    opTimeoutMs: positive(cfg.opTimeoutMs, 20_000),
    requestTimeoutMs: positive(cfg.requestTimeoutMs, 15_000),
  };
}

/** What a normal Dataverse set-up returns from onTokenRefresh: an Entra access token (a JWT). */
function foreignEntraLikeToken() {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return [
    b64({ typ: "JWT", alg: "RS256", kid: "dwa-harness" }),
    b64({
      aud: "https://contoso.crm4.dynamics.com",
      iss: "https://sts.windows.net/00000000-0000-4000-8000-000000000000/",
      sub: "dwa-harness",
      iat: now,
      exp: now + 3600,
    }),
    Buffer.from("not a real signature").toString("base64url"),
  ].join(".");
}

function libraryVersion() {
  try {
    const url = new URL("./node_modules/dynamics-web-api/package.json", import.meta.url);
    return JSON.parse(readFileSync(url, "utf8")).version;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Wire recorder: wraps http(s).request (the library calls it through its ESM namespace import,
// which syncBuiltinESMExports updates) and writes down each exchange of the running op. It only
// listens; the library's own request and response handling is untouched.

let currentWire = null;
let secrets = [];

function redact(value) {
  let text = String(value);
  for (const { value: secret, label } of secrets) {
    if (secret) text = text.split(secret).join(label);
  }
  return text
    .replace(/dgk_[A-Za-z0-9_\-]+/g, "<dgk_…>")
    .replace(/eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*/g, "<jwt>");
}

function redactHeaders(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers || {})) out[name] = redact(value);
  return out;
}

const RESPONSE_HEADERS = [
  "content-type",
  "odata-entityid",
  "location",
  "preference-applied",
  "etag",
  "x-dynagate-error",
  "x-request-id",
  "www-authenticate",
  "retry-after",
];

function pickHeaders(headers) {
  const out = {};
  if (!headers) return out;
  for (const name of RESPONSE_HEADERS) {
    if (headers[name] != null) out[name] = redact(headers[name]);
  }
  return out;
}

/** The inner requests of a $batch body as DynamicsWebApi wrote them. */
function parseBatchRequestBody(text) {
  const parts = [];
  let inChangeSet = false;
  let contentId = null;
  let current = null;
  let inHeaders = false;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith("--")) {
      current = null;
      if (line.startsWith("--changeset_")) inChangeSet = !line.endsWith("--");
      continue;
    }
    const request = /^(GET|POST|PATCH|PUT|DELETE|HEAD) (\S+) HTTP\/1\.1$/.exec(line);
    if (request) {
      current = { method: request[1], url: redact(request[2]), inChangeSet, headers: {} };
      if (contentId != null) current.contentId = contentId;
      contentId = null;
      inHeaders = true;
      parts.push(current);
      continue;
    }
    if (!current) {
      const id = /^Content-ID:\s*(.*)$/i.exec(line);
      if (id) contentId = id[1].trim();
      continue;
    }
    if (inHeaders) {
      if (line === "") {
        inHeaders = false;
      } else {
        const header = /^([^:]+):\s?(.*)$/.exec(line);
        if (header) current.headers[header[1]] = redact(header[2]);
      }
    } else if (line.trim()) {
      current.body = redact((current.body ? `${current.body}\n` : "") + line).slice(0, 300);
    }
  }
  return parts;
}

/** Part statuses and the links of a multipart $batch answer. */
function parseBatchResponseBody(text) {
  const statuses = [...text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
  const links = [...text.matchAll(/^(OData-EntityId|Location):\s*(\S+)/gim)].map((m) => redact(m[2]));
  return { statuses, links };
}

function instrument(mod, scheme) {
  const original = mod.request;
  mod.request = function recordedRequest(options, ...rest) {
    const req = original.call(this, options, ...rest);
    const sink = currentWire;
    if (!sink || typeof options !== "object" || options instanceof URL) return req;
    const port = options.port ? `:${options.port}` : "";
    const exchange = {
      method: options.method || "GET",
      url: redact(`${scheme}://${options.hostname}${port}${options.path}`),
      status: null,
      requestHeaders: redactHeaders(options.headers),
    };
    sink.push(exchange);
    const written = [];
    const write = req.write;
    req.write = function (chunk, ...args) {
      if (chunk != null) written.push(Buffer.from(chunk));
      return write.call(this, chunk, ...args);
    };
    const end = req.end;
    req.end = function (...args) {
      const body = Buffer.concat(written).toString("utf8");
      if (/multipart\/mixed/i.test(String(options.headers?.["Content-Type"] ?? ""))) {
        exchange.batchParts = parseBatchRequestBody(body);
      } else if (body) {
        exchange.requestBody = redact(body).slice(0, 300);
      }
      return end.apply(this, args);
    };
    req.on("response", (res) => {
      exchange.status = res.statusCode;
      exchange.responseHeaders = pickHeaders(res.headers);
      if (/^multipart\/mixed/i.test(res.headers["content-type"] || "")) {
        let text = "";
        res.on("data", (chunk) => {
          if (text.length < 256 * 1024) text += chunk;
        });
        res.on("end", () => {
          exchange.batchResponse = parseBatchResponseBody(text);
        });
      }
    });
    req.on("error", (e) => {
      exchange.error = e.code || e.message;
    });
    return req;
  };
}

instrument(require("node:http"), "http");
instrument(require("node:https"), "https");
syncBuiltinESMExports();

// ---------------------------------------------------------------------------------------------
// Summaries of what the library returned

/** The scalar properties of a record: columns, @-annotations and the keys the library derived. */
function summarizeRecord(record) {
  if (record == null || typeof record !== "object") return record ?? null;
  const out = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === null || value instanceof Date || typeof value !== "object") out[key] = value;
  }
  return out;
}

function summarizeCollection(response, dataApiUrl) {
  const value = Array.isArray(response?.value) ? response.value : [];
  const out = {
    count: value.length,
    names: value.map((r) => r?.name ?? null),
    ids: value.map((r) => r?.accountid ?? null),
    records: value.slice(0, MAX_RECORDS).map(summarizeRecord),
    keys: response && typeof response === "object" ? Object.keys(response) : [],
  };
  if (response?.oDataCount !== undefined) out.oDataCount = response.oDataCount;
  if (response?.oDataNextLink !== undefined) {
    out.nextLink = redact(response.oDataNextLink);
    out.nextLinkUnderServerUrl = String(response.oDataNextLink).startsWith(dataApiUrl);
  }
  return out;
}

/** One element of an executeBatch result array (a value, or an Error the library returned). */
function summarizePart(part) {
  if (part instanceof Error) {
    const out = { ok: false, ...errorFields(part) };
    if (part.error && typeof part.error === "object") out.error = innerError(part.error);
    return out;
  }
  if (part && typeof part === "object" && Array.isArray(part.value)) {
    return { ok: true, value: summarizeCollection(part, "") };
  }
  return { ok: true, value: summarizeRecord(part) };
}

// ---------------------------------------------------------------------------------------------
// Errors as a caller sees them

class HarnessOutcome extends Error {
  constructor(code, message) {
    super(message);
    this.harnessCode = code;
  }
}

const skip = (why) => {
  throw new HarnessOutcome("harness.skipped", `not run: ${why}`);
};

/** An Error the library resolved with instead of rejecting (it does so for failed batch parts). */
class ReturnedError {
  constructor(error, summary = null) {
    this.error = error;
    this.summary = summary;
  }
}

function failIfError(value) {
  if (value instanceof Error) throw new ReturnedError(value);
  return value;
}

/** Batch parts keep Dataverse's {"error":{code,message}} whole, as error.error. */
function innerError(e) {
  return { code: e.code ?? null, message: e.message != null ? redact(e.message) : null };
}

function errorFields(e) {
  const num = (v) => (v == null || v === "" || Number.isNaN(Number(v)) ? null : Number(v));
  return {
    status: num(e?.status),
    code: e?.code != null ? String(e.code) : null,
    // as the caller sees it: DynamicsWebApi leaves message undefined when the body has none
    message: e instanceof Error || typeof e === "object" ? (e?.message != null ? redact(e.message) : null) : String(e),
  };
}

function describeError(e) {
  if (e instanceof ReturnedError) {
    const out = describeError(e.error);
    out.error.returnedNotThrown = true;
    if (e.summary) out.result = e.summary;
    return out;
  }
  if (e instanceof HarnessOutcome) {
    return { ok: false, status: null, code: e.harnessCode, message: e.message };
  }
  if (Array.isArray(e)) {
    // executeBatch rejects with the array of parts when the whole $batch answer is an error
    const first = e.find((p) => p instanceof Error) ?? e[0];
    return { ...describeError(first), error: { batchRejectedWithArray: true, parts: e.map(summarizePart) } };
  }
  const error = {
    name: e?.name ?? null,
    fields: e && typeof e === "object" ? Object.getOwnPropertyNames(e).filter((k) => k !== "stack") : [],
  };
  if (e?.statusText !== undefined) error.statusText = e.statusText;
  if (e?.statusMessage !== undefined) error.statusMessage = e.statusMessage;
  if (e?.innererror !== undefined) error.innererror = JSON.parse(redact(JSON.stringify(e.innererror)));
  if (e?.error && typeof e.error === "object") error.error = innerError(e.error);
  if (e?.headers && typeof e.headers === "object") error.headers = pickHeaders(e.headers);
  if (e?.cause) error.cause = String(e.cause?.code ?? e.cause?.message ?? e.cause);
  return { ok: false, ...errorFields(e), error };
}

// ---------------------------------------------------------------------------------------------
// Running ops

const startedAt = Date.now();
const ops = [];
let emitted = false;
let meta = {};

function emit(complete) {
  if (emitted) return;
  emitted = true;
  meta.complete = complete;
  meta.ms = Date.now() - startedAt;
  const doc = JSON.stringify({ meta, ops }, null, 1);
  process.stdout.write(`${doc}\n`, () => process.exit(0));
}

async function run(name, fn, cfg, deadline) {
  const record = { op: name, ok: false, status: null, code: null, message: null, result: null };
  const remaining = deadline - Date.now();
  const wire = [];
  const began = Date.now();
  if (remaining < 1000) {
    Object.assign(record, describeError(new HarnessOutcome("harness.deadline", "not run: the overall timeout was reached")));
  } else {
    const budget = Math.min(cfg.opTimeoutMs, remaining - 500);
    const controller = new AbortController();
    let timer;
    currentWire = wire;
    try {
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new HarnessOutcome("harness.timeout", `no outcome within ${budget} ms`));
        }, budget);
      });
      const result = await Promise.race([fn(controller.signal), timeout]);
      Object.assign(record, { ok: true, result: result ?? null });
    } catch (e) {
      Object.assign(record, describeError(e));
    } finally {
      clearTimeout(timer);
      currentWire = null;
    }
  }
  record.wire = wire;
  record.ms = Date.now() - began;
  ops.push(record);
  log(`${name}: ${record.ok ? "ok" : `FAILED ${record.status ?? ""} ${record.code ?? ""} ${record.message ?? ""}`}`);
}

function makeClient(cfg, overrides = {}) {
  const mode = overrides.mode ?? cfg.mode;
  const secret = overrides.secret ?? cfg.secret;
  const config = {
    serverUrl: overrides.serverUrl ?? cfg.serverUrl,
    dataApi: { version: "9.2" },
    timeout: cfg.requestTimeoutMs,
  };
  if (mode === "header" || mode === "headerOnly") {
    config.headers = { "X-Api-Key": secret };
    if (mode === "header") config.onTokenRefresh = async () => cfg.foreignToken;
  } else {
    config.onTokenRefresh = async () => secret;
  }
  return new DynamicsWebApi(config);
}

/** A filter whose request path is longer than both the library's limit and longQueryChars. */
function longFilter(cfg, dataApiUrl, clauseFor, joiner) {
  const clauses = [];
  const pathOf = (filter) => `accounts?$select=name&$filter=${encodeURIComponent(filter)}`;
  let filter = "";
  for (let i = 0; ; i++) {
    clauses.push(clauseFor(i));
    filter = clauses.join(joiner);
    const path = pathOf(filter);
    if (path.length > LIB_BATCH_THRESHOLD && dataApiUrl.length + path.length > cfg.longQueryChars) {
      return { filter, clauses: clauses.length, pathChars: path.length, urlChars: dataApiUrl.length + path.length };
    }
  }
}

async function scenario(cfg) {
  const deadline = startedAt + cfg.timeoutMs;
  const dwa = makeClient(cfg);
  const dataApiUrl = new URL("api/data/v9.2", cfg.serverUrl).toString() + "/";
  const tag = `DWA ${cfg.runId}`;
  const knownIds = new Set();
  const created = {};
  let nextLink = null;
  const remember = (summary) => summary.ids?.forEach((id) => id && knownIds.add(id));
  const op = (name, fn) => run(name, fn, cfg, deadline);
  const firstKnownId = () => [...knownIds][0] ?? skip("no account id came back from an earlier op");

  meta = {
    library: `dynamics-web-api@${libraryVersion()}`,
    node: process.version,
    mode: cfg.mode,
    runId: cfg.runId,
    serverUrl: redact(cfg.givenServerUrl),
    dataApiUrl: redact(dataApiUrl),
    longQueryChars: cfg.longQueryChars,
    libraryBatchThresholdPathChars: LIB_BATCH_THRESHOLD,
  };

  await op("whoAmI", async () => {
    // callFunction copies its request with copyObject, which would break an AbortSignal
    const r = await dwa.callFunction("WhoAmI");
    return { UserId: r?.UserId ?? null, BusinessUnitId: r?.BusinessUnitId ?? null, OrganizationId: r?.OrganizationId ?? null, oDataContext: r?.oDataContext ?? null };
  });

  await op("retrieveMultiple.query", async (signal) => {
    const r = await dwa.retrieveMultiple({
      collection: "accounts",
      select: ["name", "accountnumber", "revenue", "statecode"],
      filter: "statecode eq 0",
      orderBy: ["revenue desc", "name asc"],
      top: 3,
      includeAnnotations: "OData.Community.Display.V1.FormattedValue",
      signal,
    });
    const s = summarizeCollection(r, dataApiUrl);
    remember(s);
    return s;
  });

  await op("retrieveMultiple.maxPageSize", async (signal) => {
    const r = await dwa.retrieveMultiple({ collection: "accounts", select: ["name"], maxPageSize: 2, signal });
    const s = summarizeCollection(r, dataApiUrl);
    remember(s);
    nextLink = r?.oDataNextLink ?? null;
    return s;
  });

  await op("retrieveMultiple.nextLink", async (signal) => {
    if (!nextLink) skip("the first page had no @odata.nextLink");
    const r = await dwa.retrieveMultiple({ collection: "accounts", select: ["name"], maxPageSize: 2, signal }, nextLink);
    const s = summarizeCollection(r, dataApiUrl);
    remember(s);
    return s;
  });

  await op("retrieveAll", async (signal) => {
    const r = await dwa.retrieveAll({ collection: "accounts", select: ["name"], maxPageSize: 2, signal });
    const s = summarizeCollection(r, dataApiUrl);
    remember(s);
    return s;
  });

  await op("retrieve", async (signal) => {
    const key = firstKnownId();
    const r = await dwa.retrieve({
      collection: "accounts",
      key,
      select: ["name", "accountnumber", "revenue", "statecode"],
      includeAnnotations: "*",
      signal,
    });
    return { key, record: summarizeRecord(r) };
  });

  await op("create", async (signal) => {
    const id = await dwa.create({
      collection: "accounts",
      data: { name: `${tag} create`, accountnumber: `DWA-${cfg.runId}`, revenue: 1000 },
      signal,
    });
    if (id) created.create = id;
    return { id: id ?? null };
  });

  await op("update", async (signal) => {
    if (!created.create) skip("create did not return an id");
    const r = await dwa.update({
      collection: "accounts",
      key: created.create,
      data: { telephone1: "555-0199", revenue: 2000 },
      signal,
    });
    return { id: created.create, value: r ?? null };
  });

  await op("retrieve.afterUpdate", async (signal) => {
    if (!created.create) skip("create did not return an id");
    const r = await dwa.retrieve({ collection: "accounts", key: created.create, select: ["name", "telephone1", "revenue"], signal });
    return { record: summarizeRecord(r) };
  });

  const upsertKey = randomUUID();
  for (const [name, label] of [
    ["upsert.create", "upsert"],
    ["upsert.update", "upsert v2"],
  ]) {
    await op(name, async (signal) => {
      // return=representation: Dataverse answers 201 (created) or 200 (updated); see wire
      const r = await dwa.upsert({
        collection: "accounts",
        key: upsertKey,
        data: { name: `${tag} ${label}` },
        returnRepresentation: true,
        signal,
      });
      created.upsert = upsertKey;
      return { key: upsertKey, record: summarizeRecord(r) };
    });
  }

  await op("count.path", async (signal) => {
    // no filter: GET accounts/$count (plain-text answer)
    const n = await dwa.count({ collection: "accounts", signal });
    return { count: n ?? null };
  });

  await op("count.inline", async (signal) => {
    // with a filter: GET accounts?$filter=…&$count=true, the library reads @odata.count
    const n = await dwa.count({ collection: "accounts", filter: "statecode eq 0", signal });
    return { count: n ?? null };
  });

  await op("countAll", async (signal) => {
    const n = await dwa.countAll({ collection: "accounts", filter: "statecode eq 0", select: ["accountid"], maxPageSize: 2, signal });
    return { count: n ?? null };
  });

  const longOps = [
    // the usual reason for a long URL: an "IN list" of keys
    ["retrieveMultiple.longFilterOr", (i) => `accountid eq ${[...knownIds][i] ?? randomUUID()}`, " or "],
    // the same transport with only 'eq … and …', which every Dataverse emulator understands
    ["retrieveMultiple.longFilterAnd", () => "statecode eq 0", " and "],
  ];
  for (const [name, clause, joiner] of longOps) {
    await op(name, async (signal) => {
      const long = longFilter(cfg, dataApiUrl, clause, joiner);
      const r = failIfError(await dwa.retrieveMultiple({ collection: "accounts", select: ["name"], filter: long.filter, signal }));
      const s = summarizeCollection(r, dataApiUrl);
      return { ...s, clauses: long.clauses, pathChars: long.pathChars, urlChars: long.urlChars };
    });
  }

  await op("batch.changeSet", async (signal) => {
    const batch = makeClient(cfg); // own client: a failed batch set-up cannot leave dwa batching
    batch.startBatch();
    await batch.create({ collection: "accounts", data: { name: `${tag} batch` }, contentId: "1" });
    await batch.update({ contentId: "$1", data: { telephone1: "555-0198" } });
    const parts = await batch.executeBatch({ signal });
    const list = Array.isArray(parts) ? parts : [parts];
    if (typeof list[0] === "string") created.batch = list[0];
    const summary = { parts: list.map(summarizePart) };
    const failed = list.find((p) => p instanceof Error);
    if (failed) throw new ReturnedError(failed, summary);
    return summary;
  });

  await op("batch.getOnly", async (signal) => {
    const batch = makeClient(cfg);
    batch.startBatch();
    await batch.retrieveMultiple({ collection: "accounts", select: ["name"], top: 2 });
    if (knownIds.size) await batch.retrieve({ collection: "accounts", key: [...knownIds][0], select: ["name"] });
    await batch.count({ collection: "accounts" });
    await batch.callFunction("WhoAmI");
    const parts = await batch.executeBatch({ continueOnError: true, signal });
    const list = Array.isArray(parts) ? parts : [parts];
    const summary = { parts: list.map(summarizePart) };
    const failed = list.find((p) => p instanceof Error);
    if (failed) throw new ReturnedError(failed, summary);
    return summary;
  });

  for (const which of ["create", "upsert", "batch"]) {
    await op(`delete.${which}`, async (signal) => {
      if (!created[which]) skip(`${which} left no record to delete`);
      const r = await dwa.deleteRecord({ collection: "accounts", key: created[which], signal });
      return { id: created[which], value: r ?? null };
    });
  }

  await op("errors.retrieveMissing", async (signal) => {
    const r = await dwa.retrieve({ collection: "accounts", key: randomUUID(), select: ["name"], signal });
    return { record: summarizeRecord(r) };
  });

  await op("errors.unknownEntitySet", async (signal) => {
    const r = await dwa.retrieveMultiple({ collection: "nosuchentities", signal });
    return summarizeCollection(r, dataApiUrl);
  });

  await op("errors.badCredential", async (signal) => {
    const wrong = cfg.mode === "token" ? "not-a-valid-access-token" : `dgk_${randomUUID().replace(/-/g, "")}wrong`;
    const r = await makeClient(cfg, { secret: wrong }).retrieveMultiple({ collection: "accounts", select: ["name"], top: 1, signal });
    return summarizeCollection(r, dataApiUrl);
  });

  await op("errors.unknownConnection", async (signal) => {
    const m = /^(.*\/proxy\/)[^/]+\/$/.exec(cfg.serverUrl);
    if (!m) skip("serverUrl is not a gateway /proxy/{connectionId} URL");
    const other = `${m[1]}no-such-connection-${cfg.runId.toLowerCase().replace(/[^a-z0-9-]/g, "")}/`;
    const r = await makeClient(cfg, { serverUrl: other }).retrieveMultiple({ collection: "accounts", select: ["name"], top: 1, signal });
    return summarizeCollection(r, dataApiUrl);
  });
}

// ---------------------------------------------------------------------------------------------

const cfg = readConfig(process.argv.slice(2));
secrets = [
  { value: cfg.secret, label: cfg.mode === "token" ? "<token>" : "<api-key>" },
  { value: cfg.foreignToken, label: "<foreign-token>" },
];
for (const name of ["http_proxy", "https_proxy"]) {
  // DynamicsWebApi routes every request through $http_proxy / $https_proxy when set
  if (process.env[name]) log(`${name} is set; DynamicsWebApi will send requests through it`);
}
process.on("unhandledRejection", (e) => log("unhandled rejection:", e?.stack ?? e));

// Last resort: the document is written even if something never settles.
setTimeout(() => {
  ops.push({ op: "harness", ok: false, status: null, code: "harness.deadline", message: "the overall timeout was reached while an op was running", result: null, wire: [] });
  emit(false);
}, cfg.timeoutMs + 5000);

scenario(cfg).then(
  () => emit(true),
  (e) => {
    log("crashed:", e?.stack ?? e);
    process.exit(1);
  },
);
