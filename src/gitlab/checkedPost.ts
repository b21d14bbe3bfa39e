/**
 * Creating writes that survive a lost answer. A POST that creates a note, an issue, a branch or a
 * merge request makes a second one when sent twice, and a proxy can answer 504 (or the connection
 * can drop) after GitLab already made it. The requester therefore does not retry such a POST
 * (UncertainWriteError); here, before it is sent again, what it would have created is looked for
 * by its marker (notes, issues) or its name (branches, merge requests), and a find is the success.
 */
import { UncertainWriteError } from "./errors.js";

/** How many times a creating POST is sent at most when each answer is lost and nothing is found. */
export const CHECKED_POST_ATTEMPTS = 3;

/**
 * `post()` until it answers; after an uncertain failure, `find()` first: what it finds is returned
 * as if the POST had answered with it; when nothing is found, the requester's backoff is waited out
 * before the POST goes again. Other errors are thrown as they are.
 */
export async function postChecked<T>(post: () => Promise<T>, find: () => Promise<T | undefined>, attempts = CHECKED_POST_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await post();
    } catch (error) {
      if (!(error instanceof UncertainWriteError)) throw error;
      const found = await find();
      if (found !== undefined) return found;
      if (attempt >= attempts) throw error.failure;
      await error.pause(attempt);
    }
  }
}
