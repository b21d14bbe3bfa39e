// Loaded into the bot's process by bench/memory.ts (`node --import`): reports the process's memory
// on file descriptor 3, one JSON line each time, so the benchmark can tell where it goes.
//  - every 100 ms: RSS, V8 heap used and committed, memory outside the heap that V8 knows of;
//  - after each full (mark-compact) GC: the heap still used, i.e. what the bot really holds, as
//    opposed to garbage V8 has not collected yet;
//  - on exit: CPU time and peak RSS as the kernel counted them (getrusage).
// It adds no GC of its own, so the figures are those of the bot as it runs.
import { writeSync } from "node:fs";
import process from "node:process";
import { setInterval } from "node:timers";
import { PerformanceObserver, constants } from "node:perf_hooks";

const send = (line) => writeSync(3, `${JSON.stringify(line)}\n`);
const mb = (bytes) => Math.round((bytes / 1048576) * 10) / 10;

const sample = () => {
  const m = process.memoryUsage();
  send({ type: "sample", rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), externalMb: mb(m.external + m.arrayBuffers) });
};
setInterval(sample, 100).unref();

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) send({ type: "fullGc", heapUsedMb: mb(process.memoryUsage().heapUsed) });
  }
}).observe({ entryTypes: ["gc"] });

process.on("exit", () => {
  sample();
  const u = process.resourceUsage();
  send({ type: "exit", cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssMb: mb(u.maxRSS * 1024) });
});
