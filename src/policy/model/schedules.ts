/** The compiled form of policies/schedules.yml: when each scheduled job runs. */

export interface ScheduleDef {
  job: string;
  cron: string;
  timeZone: string;
  description: string;
}
