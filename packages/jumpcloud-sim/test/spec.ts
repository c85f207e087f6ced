// Loads the official specs and compiles the response schema of an operation with ajv (2020-12
// draft: OAS 3.1 schemas are JSON Schema 2020-12 plus annotations ajv ignores in non-strict mode).
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parse } from "yaml";

// The official specs as vendored in this repository (byte-identical copies of JumpCloud's, checked
// against their sha256 by the client's `check:generated`): test data only, so a clean clone without
// the team's shared folder validates against the same documents.
const SPEC_DIR = new URL("../../jumpcloud-client/spec/", import.meta.url);

type Obj = Record<string, any>;

/** The YAML parse of the 2 MB unified spec takes seconds; its JSON form is cached by size and mtime. */
function loadSpec(file: string): Obj {
  const url = new URL(file, SPEC_DIR);
  const st = statSync(url);
  const dir = join(tmpdir(), "jumpcloud-sim-spec-cache");
  const cached = join(dir, `${file}.${st.size}.${Math.floor(st.mtimeMs)}.json`);
  try {
    return JSON.parse(readFileSync(cached, "utf8")) as Obj;
  } catch {
    const doc = parse(readFileSync(url, "utf8")) as Obj;
    mkdirSync(dir, { recursive: true });
    writeFileSync(cached, JSON.stringify(doc));
    return doc;
  }
}

export class SpecValidator {
  private readonly ajv: Ajv2020;
  private readonly doc: Obj;
  private readonly id: string;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(file: string, id: string) {
    this.doc = loadSpec(file);
    this.id = id;
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    (addFormats as unknown as (a: Ajv2020) => void)(this.ajv);
    for (const f of ["int32", "int64", "float", "double", "byte", "binary", "password"]) this.ajv.addFormat(f, true);
    this.ajv.addSchema({ $id: id, components: this.doc.components });
  }

  /** The schema an operation declares for `status` (application/json), or null when it declares no body. */
  responseSchema(path: string, method: string, status: number): Obj | null {
    const op = this.doc.paths?.[path]?.[method.toLowerCase()];
    if (op === undefined) throw new Error(`the spec has no ${method} ${path}`);
    let resp = op.responses?.[String(status)] ?? op.responses?.default;
    if (resp === undefined) throw new Error(`${method} ${path} declares no ${status} response`);
    if (typeof resp.$ref === "string") resp = this.resolve(resp.$ref);
    return resp.content?.["application/json"]?.schema ?? null;
  }

  private resolve(ref: string): Obj {
    let cur: any = this.doc;
    for (const part of ref.replace(/^#\//, "").split("/")) cur = cur[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    return cur as Obj;
  }

  validator(path: string, method: string, status: number): ValidateFunction | null {
    const key = `${method} ${path} ${status}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const schema = this.responseSchema(path, method, status);
    if (schema === null) return null;
    // Re-root local refs onto the registered components document.
    const rooted = JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, `"$ref":"${this.id}#/`)) as Obj;
    const fn = this.ajv.compile(rooted);
    this.cache.set(key, fn);
    return fn;
  }

  /** Returns ajv's errors as text, or null when `body` is valid. */
  check(path: string, method: string, status: number, body: unknown): string | null {
    const fn = this.validator(path, method, status);
    if (fn === null) return body === undefined ? null : `the spec declares no JSON body for ${method} ${path} ${status}`;
    return fn(body) ? null : this.ajv.errorsText(fn.errors, { separator: "\n" });
  }
}
