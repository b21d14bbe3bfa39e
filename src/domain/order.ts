/**
 * Text orders that stay the same from run to run, so lists and reports compare line by line.
 */

/**
 * Compares with numbers as numbers (`g/p#9` before `g/p#10`), as
 * `a.localeCompare(b, "en", { numeric: true })` does, through one collator made once: that call
 * builds a new ICU collator every time, which on the few thousand refs a sweep sorts cost seconds
 * and tens of MB of native memory that the process kept afterwards.
 */
export const compareNumerically: (a: string, b: string) => number = new Intl.Collator("en", { numeric: true }).compare;
