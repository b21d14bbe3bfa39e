// Entry of the inbox's store thread. A worker thread does not inherit the TypeScript loader the
// main thread runs under (tsx, or vitest's), so it registers tsx itself before loading the
// thread's module.
import { register } from "tsx/esm/api";
import { workerData } from "node:worker_threads";

register();
await import(workerData.entry);
