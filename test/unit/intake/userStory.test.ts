import { describe, expect, it } from "vitest";
import { hasUserStory } from "../../../src/intake/userStory.js";

describe("the user-story format", () => {
  it.each([
    "As a field marketer, I would like a webcast template, so that setup takes minutes.",
    "as an SDR i'd like chats routed by territory so that enterprise visitors reach their rep",
    "**As a** campaign manager\n**I would like** a content track\n**so that** visitors binge the content",
    "As the ABM team, we would like segments in SFDC; so that reps see intent data",
    "Context first.\n\nAs a analyst - I want no duplicate touchpoints - so that the report is right",
    "AS A MANAGER, I WOULD LIKE THE CHANGELOG CURRENT, SO THAT MARKETING KNOWS.",
  ])("accepts %j", (text) => {
    expect(hasUserStory(text)).toBe(true);
  });

  it.each([
    "",
    "Send on Thursday.",
    "I would like a template so that setup is quick.",
    "As a marketer, please fix this.",
    "So that it works, as a marketer I would like it.",
    "Reassign the alias field as a text field; I would like to know why",
  ])("rejects %j", (text) => {
    expect(hasUserStory(text)).toBe(false);
  });
});
