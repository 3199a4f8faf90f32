/**
 * Schedules in plain words, as cron expressions: "every 5 minutes",
 * "hourly", "every day at 3am", "daily at 02:30", "every weekday at 6pm",
 * "every monday at 9", "weekly", "monthly", "at midnight every night", or a
 * cron expression given as such (`cron "0 3 * * *"`). The expression is
 * checked by croner where it is stored (schedule.add); here only what the
 * words plainly say is turned into fields.
 */
import { maskQuotes, quotedStrings } from "./quotes";

export interface Schedule {
  cron: string;
  /** The words that said it, to take out of the clause (the rest is what to run). */
  spans: Array<[number, number]>;
  /** How it reads back: "every day at 03:00". */
  words: string;
  /** Said plainly but not a cron schedule ("every 90 minutes", "every other tuesday"): why, for the refusal (cron is then empty). */
  problem?: string;
}

const DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const DAY_RE = "(sun|mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?)(?:day)?s?";

interface Time {
  hour: number;
  minute: number;
  span: [number, number];
}

/** "at 3am", "at 3:30 pm", "at 03:00", "at 15:45", "at noon", "at midnight" (the "at" may be left out before am/pm times). */
function timeOf(text: string): Time | "invalid" | null {
  const named = /\b(?:at\s+)?(noon|midday|midnight)\b/i.exec(text);
  if (named) return { hour: /midnight/i.test(named[1]!) ? 0 : 12, minute: 0, span: [named.index, named.index + named[0].length] };
  const m = /\b(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)(?=$|[\s,.;!?])/i.exec(text) ?? /\bat\s+(\d{1,2}):(\d{2})\b()/i.exec(text) ?? /\bat\s+(\d{1,2})()()(?:\s*o'?clock)?(?=$|[\s,.;!?])/i.exec(text);
  if (!m) return null;
  let hour = Number(m[1]);
  const minute = m[2] ? Number(m[2]) : 0;
  const ampm = (m[3] ?? "").toLowerCase().replace(/\./g, "");
  // A time that is not one is not read as midnight: the schedule is refused.
  if (ampm && (hour < 1 || hour > 12)) return "invalid";
  if (ampm === "pm" && hour < 12) hour += 12;
  if (ampm === "am" && hour === 12) hour = 0;
  if (hour > 23 || minute > 59) return "invalid";
  return { hour, minute, span: [m.index, m.index + m[0].length] };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Looks like a cron expression: five (or six) fields of digits, * / , - and names. */
const CRON_LIKE = /^(@(yearly|annually|monthly|weekly|daily|hourly)|([\d*/,?LW#-]+|[A-Za-z]{3}(-[A-Za-z]{3})?)(\s+([\d*/,?LW#-]+|[A-Za-z]{3}(-[A-Za-z]{3})?)){4,5})$/;

export function parseSchedule(text: string): Schedule | null {
  // An expression given as such, quoted: `cron "0 3 * * *"` or any quoted five-field expression.
  for (const q of quotedStrings(text)) {
    if (!CRON_LIKE.test(q.text.trim())) continue;
    const before = text.slice(0, q.start);
    const lead = /\b(?:with\s+)?(?:the\s+)?(?:cron(?:\s+expression|\s+schedule)?|schedule)\s*(?:of|=|:)?\s*$/i.exec(before);
    const start = lead ? lead.index : q.start;
    return { cron: q.text.trim(), spans: [[start, q.end]], words: `cron ${q.text.trim()}` };
  }
  const masked = maskQuotes(text);
  const at = (re: RegExp) => {
    const m = re.exec(masked);
    return m ? { m, span: [m.index, m.index + m[0].length] as [number, number] } : null;
  };

  // Intervals cron cannot count: days or weeks apart, or a step that does not fit in an hour or a day.
  const apart = at(new RegExp(`\\b(?:every\\s+(?:other|second|third|fourth|2nd|3rd|4th)\\s+(?:day|week|month|${DAY_RE})|fortnightly|bi-?weekly|every\\s+(?:two|three|four|2|3|4)\\s+(?:weeks|days))\\b`, "i"));
  if (apart) return { cron: "", spans: [apart.span], words: apart.m[0], problem: `"${apart.m[0]}" is not a cron schedule: cron has no count of days or weeks apart (say e.g. "every tuesday" or "on the 1st of every month" with "monthly")` };
  const minutes = at(/\bevery\s+(\d{1,4})\s*(?:minutes|mins?|m)\b/i);
  if (minutes) {
    const n = Number(minutes.m[1]);
    if (n < 1) return null;
    if (n > 59 && n % 60 === 0 && n / 60 <= 23) return { cron: n === 60 ? "0 * * * *" : `0 */${n / 60} * * *`, spans: [minutes.span], words: `every ${n / 60} hour${n === 60 ? "" : "s"}` };
    if (n > 59) return { cron: "", spans: [minutes.span], words: minutes.m[0], problem: `"${minutes.m[0]}" is not a cron schedule: a step of minutes repeats within each hour (1 to 59), of hours within each day (say e.g. "every 30 minutes" or "every 2 hours")` };
    return { cron: n === 1 ? "* * * * *" : `*/${n} * * * *`, spans: [minutes.span], words: `every ${n} minute${n === 1 ? "" : "s"}` };
  }
  const minute = at(/\b(?:every\s+minute|each\s+minute|minutely)\b/i);
  if (minute) return { cron: "* * * * *", spans: [minute.span], words: "every minute" };
  const hours = at(/\bevery\s+(\d{1,3})\s*(?:hours|hrs?|h)\b/i);
  if (hours) {
    const n = Number(hours.m[1]);
    if (n < 1) return null;
    if (n > 23) return { cron: "", spans: [hours.span], words: hours.m[0], problem: `"${hours.m[0]}" is not a cron schedule: a step of hours repeats within each day (1 to 23; say e.g. "every day at 3am")` };
    return { cron: n === 1 ? "0 * * * *" : `0 */${n} * * *`, spans: [hours.span], words: `every ${n} hour${n === 1 ? "" : "s"}` };
  }
  const hour = at(/\b(?:every\s+hour|each\s+hour|hourly|once\s+an\s+hour)\b/i);
  if (hour) return { cron: "0 * * * *", spans: [hour.span], words: "every hour" };

  // Day-based schedules take an optional time of day (default midnight).
  const found = timeOf(masked);
  if (found === "invalid") return null;
  let time = found;
  // A part of the day says which half a bare hour is in ("every evening at 8" is 20:00) and needs a time of its own
  // ("every morning" alone is no hour: never read as midnight); a time outside it is refused.
  const said = /\b(?:every|each)\s+(morning|afternoon|evening|night)\b/i.exec(masked);
  const part = said?.[1]?.toLowerCase();
  if (said && part !== "night" && !time) return { cron: "", spans: [[said.index, said.index + said[0].length]], words: said[0], problem: `"${said[0]}" gives no time of day; say one (e.g. "${said[0]} at ${part === "morning" ? "7am" : part === "afternoon" ? "3pm" : "8pm"}")` };
  if (part && time) {
    const bare = !/(am|pm|a\.m\.|p\.m\.)/i.test(masked.slice(time.span[0], time.span[1])) && !/\d:\d\d/.test(masked.slice(time.span[0], time.span[1]));
    let h = time.hour;
    if (bare && (part === "afternoon" || part === "evening") && h >= 1 && h <= 11) h += 12;
    if (bare && part === "night" && h >= 6 && h <= 11) h += 12;
    if (bare && part === "night" && h === 12) h = 0;
    const fits = part === "morning" ? h >= 4 && h <= 11 : part === "afternoon" ? h >= 12 && h <= 17 : part === "evening" ? h >= 16 && h <= 23 : h >= 18 || h <= 5;
    if (!fits) return null;
    time = { ...time, hour: h };
  }
  const t = time ?? { hour: 0, minute: 0, span: null };
  const hm = `${t.minute} ${t.hour}`;
  const clock = `${pad(t.hour)}:${pad(t.minute)}`;
  const withTime = (span: [number, number]): Array<[number, number]> => (time ? [span, time.span] : [span]);

  const weekday = at(/\b(?:every|on)\s+weekdays?\b|\bweekdays\b/i);
  if (weekday) return { cron: `${hm} * * 1-5`, spans: withTime(weekday.span), words: `every weekday at ${clock}` };
  const weekend = at(/\b(?:every|on)\s+weekends?\b|\bweekends\b/i);
  if (weekend) return { cron: `${hm} * * 0,6`, spans: withTime(weekend.span), words: `every weekend day at ${clock}` };
  const day = at(new RegExp(`\\b(?:every|on|each)\\s+${DAY_RE}\\b`, "i"));
  if (day) {
    const n = DAYS.findIndex((d) => d.startsWith(day.m[1]!.toLowerCase().slice(0, 3)));
    return { cron: `${hm} * * ${n}`, spans: withTime(day.span), words: `every ${DAYS[n]} at ${clock}` };
  }
  const daily = at(/\b(?:every\s+(?:day|night|morning|afternoon|evening)|each\s+(?:day|night|morning|afternoon|evening)|daily|nightly|once\s+a\s+day)\b/i);
  if (daily) return { cron: `${hm} * * *`, spans: withTime(daily.span), words: `every day at ${clock}` };
  const weekly = at(/\b(?:every\s+week|each\s+week|weekly|once\s+a\s+week)\b/i);
  if (weekly) return { cron: `${hm} * * 0`, spans: withTime(weekly.span), words: `every sunday at ${clock}` };
  const monthly = at(/\b(?:every\s+month|each\s+month|monthly|once\s+a\s+month)\b/i);
  if (monthly) return { cron: `${hm} 1 * *`, spans: withTime(monthly.span), words: `on the 1st of every month at ${clock}` };
  return null;
}
