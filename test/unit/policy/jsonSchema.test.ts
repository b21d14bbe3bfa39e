import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli.js";
import { jsonSchemaFiles } from "../../../src/policy/jsonSchema.js";

const SCHEMA_DIR = path.resolve("policies/schema");

describe("JSON Schema of the policy files", () => {
  it("the committed schema files are up to date (run `mops-bot policies schema` after changing a zod schema)", async () => {
    const generated = jsonSchemaFiles();
    const committed = (await readdir(SCHEMA_DIR)).filter((f) => f.endsWith(".json")).sort();
    expect(committed).toEqual([...generated.keys()].sort());
    for (const [name, text] of generated) {
      expect(await readFile(path.join(SCHEMA_DIR, name), "utf8"), `${name} is stale`).toBe(text);
    }
  });

  it("is deterministic", () => {
    expect([...jsonSchemaFiles()]).toEqual([...jsonSchemaFiles()]);
  });

  it("accepts the shipped policy files, so editors do not flag correct YAML", async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const files: [string, string][] = [
      ["scope.yml", "scope"],
      ["people.yml", "people"],
      ["labels.yml", "labels"],
      ["hygiene.yml", "hygiene"],
      ["calendar.yml", "calendar"],
      ["schedules.yml", "schedules"],
      ["workflows/mktgops-stage.yml", "workflow"],
    ];
    for (const [file, kind] of files) {
      const schema = JSON.parse(await readFile(path.join(SCHEMA_DIR, `${kind}.schema.json`), "utf8")) as object;
      const data: unknown = parse(await readFile(path.resolve("policies", file), "utf8"));
      const validate = ajv.compile(schema);
      expect(validate(data), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it("flags an unknown key the way the loader does", async () => {
    const ajv = new Ajv2020({ strict: false });
    const schema = JSON.parse(await readFile(path.join(SCHEMA_DIR, "hygiene.schema.json"), "utf8")) as object;
    expect(ajv.validate(schema, { repair_aliases: true, repair_alias: true })).toBe(false);
  });

  it("`policies schema --dir` writes one file per policy kind", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "mops-schema-"));
    try {
      const out: string[] = [];
      const code = await main(["node", "mops-bot", "policies", "schema", "--dir", dir], { out: (t) => out.push(t), err: () => undefined });
      expect(code).toBe(0);
      expect(out).toHaveLength(jsonSchemaFiles().size);
      const written = (await readdir(path.join(dir, "schema"))).sort();
      expect(written).toEqual([...jsonSchemaFiles().keys()].sort());
      expect(await readFile(path.join(dir, "schema", "workflow.schema.json"), "utf8")).toBe(jsonSchemaFiles().get("workflow.schema.json"));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
