/** The compiled form of policies/intake.yml: checks on new requests. */

export interface IntakePolicy {
  projectRoles: string[];
  userStory: {
    /** Off unless intake.yml says `enabled: true`. */
    enabled: boolean;
    newIssueDays: number;
    startLabel: string;
    label: string;
    skipLabels: string[];
    template: string;
  };
  pii: { template: string; allowedEmailDomains: string[] };
}
