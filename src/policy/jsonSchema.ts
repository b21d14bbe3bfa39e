/**
 * JSON Schema for each policy file kind, generated from the zod schemas, so editors (VS Code
 * with the YAML extension, the GitLab Web IDE) autocomplete and flag mistakes while typing.
 * Output is deterministic: regenerate with `mops-bot policies schema` after changing a schema.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { POLICY_KINDS } from "./kinds/index.js";
import type { PolicyKind } from "./kinds/kind.js";

export function schemaFileName(kind: PolicyKind): string {
  return `${kind.name}.schema.json`;
}

/** The JSON Schema text of one kind, as committed under policies/schema/. */
export function jsonSchemaText(kind: PolicyKind): string {
  const generated = z.toJSONSchema(kind.schema, { io: "input", target: "draft-2020-12" }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  const doc = { $schema, title: kind.title, ...rest };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Every schema file: name -> text. */
export function jsonSchemaFiles(): Map<string, string> {
  return new Map(POLICY_KINDS.map((k) => [schemaFileName(k), jsonSchemaText(k)]));
}

/** Write the schemas to `<policiesDir>/schema/`; returns the paths written. */
export async function writeJsonSchemas(policiesDir: string): Promise<string[]> {
  const outDir = path.join(policiesDir, "schema");
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of jsonSchemaFiles()) {
    const file = path.join(outDir, name);
    await writeFile(file, text, "utf8");
    written.push(file);
  }
  return written;
}
