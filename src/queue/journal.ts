/**
 * The inbox's journal: deliveries are appended here, on the event loop, before GitLab gets its
 * 202; the inbox records them in SQLite a few milliseconds later, many at a time. An
 * append is one write to the OS page cache, so it survives a crash, `kill -9` or restart of the
 * bot (the `process-crash` durability), and costs the event loop a few microseconds where a
 * SQLite commit would cost a hundred.
 *
 * Two files take turns: while one is written, the other is emptied once everything in it has
 * been imported. Lines still in the files when mops-bot starts were acknowledged but perhaps not
 * imported; they are imported again (the dedupe key makes a second import a no-op).
 */
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";

/** A file is handed over to be emptied once it holds this much and the other one is empty. */
const ROTATE_BYTES = 1024 * 1024;

export const JOURNAL_FILES = ["inbox.journal.0", "inbox.journal.1"] as const;

interface JournalFile {
  fd: number;
  bytes: number;
  /** Sequence number of the last batch written to the file. */
  lastSeq: number;
}

/** Lines a previous process left behind, to import before anything new. */
export interface Leftover {
  seq: number;
  text: string;
  /** A last line cut short by the crash (not yet acknowledged when it happened); dropped. */
  tornBytes: number;
}

/**
 * Whole lines in the journal of `dir` right now, read without opening it for writing (for
 * `mops-bot inbox list`, which must not take the journal from a running `serve`).
 */
export function journaledLines(dir: string): number {
  let lines = 0;
  for (const name of JOURNAL_FILES) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    const text = readFileSync(path, "utf8");
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines++;
  }
  return lines;
}

export class Journal {
  private readonly files: JournalFile[];
  private current: number;
  private nextSeq = 1;
  /** Batches written and not yet imported, oldest first (a Set keeps insertion order). */
  private readonly outstanding = new Set<number>();
  private readonly leftovers: Leftover[] = [];
  /** The current file may end in part of a failed batch (see `append`). */
  private tornTail = false;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.files = JOURNAL_FILES.map((name) => {
      const path = join(dir, name);
      // Append mode: every write lands at the end, also after the file was emptied.
      const fd = openSync(path, "a+");
      const text = readFileSync(path, "utf8");
      const file: JournalFile = { fd, bytes: Buffer.byteLength(text), lastSeq: 0 };
      if (text.length > 0) {
        const end = text.lastIndexOf("\n") + 1;
        const seq = this.nextSeq++;
        file.lastSeq = seq;
        this.outstanding.add(seq);
        this.leftovers.push({ seq, text: text.slice(0, end), tornBytes: Buffer.byteLength(text) - Buffer.byteLength(text.slice(0, end)) });
      }
      return file;
    });
    this.current = this.files[0]!.bytes <= this.files[1]!.bytes ? 0 : 1;
  }

  /** What the last process left; each must be passed to `imported` once it is in SQLite. */
  takeLeftovers(): Leftover[] {
    return this.leftovers.splice(0);
  }

  /**
   * Writes whole lines and returns the batch's sequence number. Throws when the disk refuses
   * (full, read-only): the deliveries were then not stored and must not be acknowledged.
   */
  append(text: string): number {
    let file = this.files[this.current]!;
    const other = this.files[1 - this.current]!;
    if (file.bytes >= ROTATE_BYTES && other.bytes === 0) {
      this.current = 1 - this.current;
      file = other;
    }
    // After a write that failed half-way and could not be undone, the next batch starts on a line
    // of its own, so the torn line is skipped alone and does not take an acknowledged one with it.
    const data = Buffer.from(this.tornTail ? `\n${text}` : text, "utf8");
    let written = 0;
    try {
      while (written < data.length) written += writeSync(file.fd, data, written);
    } catch (e) {
      this.undoPartialWrite(file);
      throw e;
    }
    this.tornTail = false;
    file.bytes += data.length;
    const seq = this.nextSeq++;
    file.lastSeq = seq;
    this.outstanding.add(seq);
    return seq;
  }

  /** Cuts the part of a failed batch that reached the file (a disk that filled up mid-write). */
  private undoPartialWrite(file: JournalFile): void {
    try {
      ftruncateSync(file.fd, file.bytes);
    } catch {
      this.tornTail = true;
    }
  }

  /** The batches are in SQLite now: a file holding nothing older that is still needed is emptied. */
  imported(seqs: Iterable<number>): void {
    for (const seq of seqs) this.outstanding.delete(seq);
    const oldest = this.outstanding.values().next().value ?? Infinity;
    for (const file of this.files) {
      if (file.bytes > 0 && file.lastSeq < oldest) {
        ftruncateSync(file.fd, 0);
        file.bytes = 0;
      }
    }
  }

  close(): void {
    for (const file of this.files) closeSync(file.fd);
  }
}
