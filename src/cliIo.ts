/**
 * What a command's action is given to talk to its caller. It lives below src/cli.ts so that each
 * area's cli.ts and commands.ts can use it without importing the command table that imports them.
 */
import type { Config, ServeConfig } from "./config.js";

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** A command's action records its exit code here rather than exiting the process. */
export interface ExitCodeHolder {
  code: number;
}

/**
 * What a command's action is given: the output streams, and the configuration, read from the
 * environment the first time a command asks for it (so `--help` never reads or checks it).
 */
export interface CommandIo extends CliIo {
  config: () => Promise<Config>;
  /** `serve`'s: also requires GitLab and the webhook secret, named in the same one message as the rest. */
  serveConfig: () => Promise<ServeConfig>;
}
