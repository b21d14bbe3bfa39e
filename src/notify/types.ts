/** What the rest of the bot sees of Slack: queue a message for a channel, wait for the queue when a run ends. */
import type { SlackMessage } from "../domain/actions.js";

export interface SlackPostOutcome {
  channel: string;
  ok: boolean;
  dryRun: boolean;
  attempts: number;
  /** Why the post failed (after its retries). */
  error?: string;
}

export interface PostOptions {
  /** Called once when the post has failed for good (after retries); errors it throws are logged. */
  onFailure?: (error: Error) => Promise<void> | void;
}

export interface Notifier {
  readonly dryRun: boolean;
  /** Channel names that have a webhook URL (or, in a dry run, every channel of the policy). */
  readonly channels: readonly string[];
  /**
   * Queues a message. Resolves when it was posted or failed for good; never rejects, so callers may
   * leave it running in the background (a slow or failing Slack never holds up GitLab work).
   */
  post(channel: string, message: SlackMessage, options?: PostOptions): Promise<SlackPostOutcome>;
  /** Resolves when every message queued so far is done. */
  idle(): Promise<void>;
  /** Everything posted (or printed) so far, in order of completion. */
  outcomes(): readonly SlackPostOutcome[];
}
