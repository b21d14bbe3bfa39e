// placeholder replaced by the calendar module
export interface BusinessCalendar {
  readonly timeZone: string;
  isWorkingMoment(at: Date): boolean;
  isWorkingDay(date: string): boolean;
  today(now: Date): string;
  addBusinessDays(from: Date, days: number): Date;
  addBusinessHours(from: Date, hours: number): Date;
  businessMillisBetween(start: Date, end: Date, exclude?: { start: Date; end: Date }[]): number;
}
