/**
 * What a command's action is given to talk to its caller. It lives below src/cli.ts so that each
 * area's cli.ts and commands.ts can use it without importing the command table that imports them.
 */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** A command's action records its exit code here rather than exiting the process. */
export interface ExitCodeHolder {
  code: number;
}
