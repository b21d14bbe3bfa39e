/**
 * The user-story format the older handbook page asks issues to follow: "As a ..., I would like
 * ..., so that ...". Matching is tolerant: case, punctuation, markdown emphasis, line breaks,
 * "an"/"the", and "I'd like" / "I want" / "I need" all pass; the three parts must come in order.
 */

/** Lowercase text with markdown emphasis, quotes and punctuation reduced to spaces. */
function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/[*_~>#|]/g, " ")
    .replace(/[.,;:!?()[\]{}"“”-]/g, " ")
    .replace(/\s+/g, " ");
}

const USER_STORY = /\bas (?:an?|the|some) \S.{0,200}?\b(?:i|we)(?: would|'d|d)? (?:like|want|need|love)\b.{1,400}?\bso that \S/;

export function hasUserStory(description: string): boolean {
  return USER_STORY.test(normalise(description));
}
