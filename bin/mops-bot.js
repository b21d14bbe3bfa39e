#!/usr/bin/env node
// Runs the TypeScript sources through tsx so `npx mops-bot` works right after `npm install`,
// with no build step to forget.
import { register } from "tsx/esm/api";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

register();
const here = dirname(fileURLToPath(import.meta.url));
const { main } = await import(join(here, "..", "src", "cli.ts"));
process.exitCode = await main(process.argv);
