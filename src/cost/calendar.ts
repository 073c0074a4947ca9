/**
 * UTC days. Every provider buckets spend by UTC day, so the monitor does too: a day is its
 * `YYYY-MM-DD` key, and the window is computed once from one `now` so a run (or a test with a
 * fixture month) sees the same "today" everywhere.
 */
export const DAY_MS = 86_400_000;

export type DayKey = string;

export function dayKey(time: number | Date): DayKey {
  return new Date(time).toISOString().slice(0, 10);
}

export function dayStart(key: DayKey): number {
  return Date.parse(`${key}T00:00:00.000Z`);
}

export function addDays(key: DayKey, days: number): DayKey {
  return dayKey(dayStart(key) + days * DAY_MS);
}

/** Keys from `from` to `to`, both inclusive. */
export function daysBetween(from: DayKey, to: DayKey): DayKey[] {
  const keys: DayKey[] = [];
  for (let t = dayStart(from); t <= dayStart(to); t += DAY_MS) keys.push(dayKey(t));
  return keys;
}

export interface CostWindow {
  /** The evaluation instant (input `as-of`, or the clock). */
  now: number;
  today: DayKey;
  monthStart: DayKey;
  /** First day of the next month, exclusive end of the month. */
  nextMonthStart: DayKey;
  daysInMonth: number;
  /** First of the trailing 30 complete days before today. */
  trailingStart: DayKey;
  /** What every adapter reads: the earlier of the month start and the trailing start, to the end of today. */
  rangeStart: DayKey;
  /** Exclusive: the start of tomorrow. */
  rangeEnd: DayKey;
}

export const TRAILING_DAYS = 30;

export function costWindow(now: number): CostWindow {
  const today = dayKey(now);
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const monthStart = dayKey(Date.UTC(year, month, 1));
  const nextMonthStart = dayKey(Date.UTC(year, month + 1, 1));
  const trailingStart = addDays(today, -TRAILING_DAYS);
  return {
    now,
    today,
    monthStart,
    nextMonthStart,
    daysInMonth: Math.round((dayStart(nextMonthStart) - dayStart(monthStart)) / DAY_MS),
    trailingStart,
    rangeStart: trailingStart < monthStart ? trailingStart : monthStart,
    rangeEnd: addDays(today, 1),
  };
}

/** Every day an adapter is asked about, oldest first. */
export function windowDays(window: CostWindow): DayKey[] {
  return daysBetween(window.rangeStart, window.today);
}

export function isoTime(key: DayKey): string {
  return `${key}T00:00:00.000Z`;
}

export function unixSeconds(key: DayKey): number {
  return dayStart(key) / 1000;
}
