//! When a scheduled task runs, as a person writes it in the config:
//!
//! - `"manual"` (or `"off"`): never by itself;
//! - `"every 6h"`, `"every 30 minutes"`: that long after the last run;
//! - `"daily at 02:30"`, `"at 09:00, 13:00"`, `"weekdays at 18:00"`, `"weekends at 10:00"`,
//!   `"mon,wed,fri at 21:00"`, `"mon-fri at 12:30"`: at those local times on those days;
//! - `"cron 0 */4 * * *"`: a cron expression (5 fields, or 6–7 with seconds and year).
//!
//! Times are local wall-clock times: a slot in a daylight-saving gap runs when the
//! clock jumps past it, a slot in a fold runs once (at its first occurrence).

use std::{fmt, str::FromStr, time::Duration};

use jiff::{
    Timestamp, Zoned,
    civil::{Date, Time, Weekday},
};

/// When a task runs by itself.
#[derive(Clone)]
pub enum When {
    Manual,
    /// This long after the last run.
    Every(Duration),
    /// At these local times on these days.
    At {
        days: Days,
        times: Vec<Time>,
    },
    /// A cron expression (the text as written, and its parsed schedule).
    Cron(String, Box<jiff_cron::Schedule>),
}

/// Days of the week, Monday first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days(pub [bool; 7]);

impl Days {
    pub const ALL: Days = Days([true; 7]);

    pub fn contains(&self, day: Weekday) -> bool {
        self.0[day.to_monday_zero_offset() as usize]
    }
}

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The shortest interval accepted: the scheduler looks at the clock about twice a minute.
const SHORTEST: Duration = Duration::from_secs(60);

impl When {
    /// Whether the task ever runs by itself.
    pub fn is_manual(&self) -> bool {
        matches!(self, When::Manual)
    }

    /// The first time at or after which the task is due, given its last run (or,
    /// when it never ran, the time the schedule was first seen). `None` when manual.
    pub fn due_after(
        &self,
        last: Timestamp,
        ran_before: bool,
        tz: &jiff::tz::TimeZone,
    ) -> Option<Timestamp> {
        match self {
            When::Manual => None,
            // never run: due at once (a new backup schedule makes a first backup now)
            When::Every(_) if !ran_before => Some(last),
            When::Every(every) => {
                let every = jiff::SignedDuration::try_from(*every).ok()?;
                last.checked_add(every).ok()
            }
            When::At { .. } | When::Cron(..) => self.next_slot(&last.to_zoned(tz.clone())),
        }
    }

    /// The first slot strictly after `after` (for times of day and cron).
    pub fn next_slot(&self, after: &Zoned) -> Option<Timestamp> {
        match self {
            When::Manual | When::Every(_) => None,
            When::Cron(_, schedule) => schedule.after(after.clone()).next().map(|z| z.timestamp()),
            When::At { days, times } => {
                let tz = after.time_zone().clone();
                let mut date = after.date();
                // a week and a day covers every weekday set
                for _ in 0..9 {
                    if days.contains(date.weekday()) {
                        let best = times
                            .iter()
                            .filter_map(|t| slot(date, *t, &tz))
                            .filter(|ts| *ts > after.timestamp())
                            .min();
                        if best.is_some() {
                            return best;
                        }
                    }
                    date = date.tomorrow().ok()?;
                }
                None
            }
        }
    }
}

/// `time` on `date` in `tz`: in a gap, the moment the clock jumps past it; in a fold,
/// the first occurrence (jiff's "compatible" choice, as cron daemons do).
fn slot(date: Date, time: Time, tz: &jiff::tz::TimeZone) -> Option<Timestamp> {
    date.to_datetime(time)
        .to_zoned(tz.clone())
        .ok()
        .map(|z| z.timestamp())
}

fn parse_time(s: &str) -> Option<Time> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (i8, i8) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    Time::new(h, m, 0, 0).ok()
}

fn parse_day(s: &str) -> Option<usize> {
    let s = s.trim();
    DAY_NAMES
        .iter()
        .position(|d| s.get(..3).is_some_and(|p| d == &p) && is_day_word(s))
}

fn is_day_word(s: &str) -> bool {
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
    .iter()
    .any(|full| full.starts_with(s))
}

fn parse_days(s: &str) -> Option<Days> {
    match s.trim() {
        "" | "daily" | "every day" | "everyday" => return Some(Days::ALL),
        "weekdays" => return Some(Days([true, true, true, true, true, false, false])),
        "weekends" => return Some(Days([false, false, false, false, false, true, true])),
        _ => {}
    }
    let mut days = [false; 7];
    for part in s.split(',') {
        if let Some((a, b)) = part.split_once('-') {
            let (a, b) = (parse_day(a)?, parse_day(b)?);
            let mut d = a;
            loop {
                days[d] = true;
                if d == b {
                    break;
                }
                d = (d + 1) % 7;
            }
        } else {
            days[parse_day(part)?] = true;
        }
    }
    Some(Days(days))
}

impl FromStr for When {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let s = text.trim().to_ascii_lowercase();
        let hint = || crate::t!("config-bad-schedule", value = text);
        if ["manual", "off", "never", "none"].contains(&s.as_str()) {
            return Ok(When::Manual);
        }
        if s == "hourly" {
            return Ok(When::Every(Duration::from_secs(3600)));
        }
        if let Some(rest) = s.strip_prefix("every ") {
            // "every day at 02:30" is a time of day, not an interval
            if !rest.contains(" at ") && !rest.starts_with("day") {
                let d = humantime::parse_duration(rest.trim()).map_err(|_| hint())?;
                if d < SHORTEST {
                    return Err(crate::t!("config-interval-too-short", value = text));
                }
                return Ok(When::Every(d));
            }
        }
        if let Some(expr) = s.strip_prefix("cron ") {
            let fields = expr.split_whitespace().count();
            // people write the classic five fields; jiff-cron starts with seconds
            let full = if fields == 5 {
                format!("0 {expr}")
            } else {
                expr.to_string()
            };
            return jiff_cron::Schedule::from_str(&full)
                .map(|c| When::Cron(text.trim().to_string(), Box::new(c)))
                .map_err(|e| crate::t!("config-bad-cron", value = text, cause = e.to_string()));
        }
        let (days, times) = match s.split_once(" at ") {
            Some((d, t)) => (d, t),
            None => match s.strip_prefix("at ") {
                Some(t) => ("", t),
                None => return Err(hint()),
            },
        };
        let days = parse_days(days).ok_or_else(hint)?;
        let times: Vec<Time> = times
            .split(',')
            .map(parse_time)
            .collect::<Option<_>>()
            .ok_or_else(hint)?;
        if times.is_empty() || days.0.iter().all(|d| !d) {
            return Err(hint());
        }
        Ok(When::At { days, times })
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            When::Manual => f.write_str("manual"),
            When::Every(d) => write!(f, "every {}", humantime::format_duration(*d)),
            When::Cron(text, _) => f.write_str(text),
            When::At { days, times } => {
                let times: Vec<String> = times
                    .iter()
                    .map(|t| format!("{:02}:{:02}", t.hour(), t.minute()))
                    .collect();
                let days = if *days == Days::ALL {
                    "daily".to_string()
                } else if days.0 == [true, true, true, true, true, false, false] {
                    "weekdays".to_string()
                } else if days.0 == [false, false, false, false, false, true, true] {
                    "weekends".to_string()
                } else {
                    DAY_NAMES
                        .iter()
                        .zip(days.0)
                        .filter(|(_, on)| *on)
                        .map(|(d, _)| *d)
                        .collect::<Vec<_>>()
                        .join(",")
                };
                write!(f, "{days} at {}", times.join(", "))
            }
        }
    }
}

impl fmt::Debug for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "When({self})")
    }
}

impl PartialEq for When {
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
}

impl<'de> serde::Deserialize<'de> for When {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for When {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::{civil::date, tz::TimeZone};

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").expect("tzdata has Europe/Paris")
    }

    fn at(y: i16, mo: i8, d: i8, h: i8, mi: i8) -> Zoned {
        date(y, mo, d)
            .at(h, mi, 0, 0)
            .to_zoned(paris())
            .expect("a time")
    }

    fn when(s: &str) -> When {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn reads_what_people_write() {
        assert_eq!(when("every 6h").to_string(), "every 6h");
        assert_eq!(when("Every 30 minutes").to_string(), "every 30m");
        assert_eq!(when("hourly").to_string(), "every 1h");
        assert_eq!(when("daily at 2:30").to_string(), "daily at 02:30");
        assert_eq!(when("at 09:00, 13:00").to_string(), "daily at 09:00, 13:00");
        assert_eq!(when("every day at 23:59").to_string(), "daily at 23:59");
        assert_eq!(when("weekdays at 18:00").to_string(), "weekdays at 18:00");
        assert_eq!(when("mon-fri at 18:00").to_string(), "weekdays at 18:00");
        assert_eq!(when("sat,sun at 10:00").to_string(), "weekends at 10:00");
        assert_eq!(
            when("Monday,Wed,fri at 21:00").to_string(),
            "mon,wed,fri at 21:00"
        );
        assert_eq!(
            when("fri-mon at 07:15").to_string(),
            "mon,fri,sat,sun at 07:15"
        );
        assert_eq!(when("cron 0 */4 * * *").to_string(), "cron 0 */4 * * *");
        assert!(when("manual").is_manual());
        assert!(when("off").is_manual());
    }

    #[test]
    fn refuses_what_it_cannot_read_and_says_how_to_write_it() {
        for bad in [
            "sometimes",
            "daily",
            "at 25:00",
            "at noon",
            "every",
            "every 10s",
            "funday at 10:00",
            "cron 0 0 *",
        ] {
            let e = bad.parse::<When>().expect_err(bad);
            assert!(e.contains(bad), "{e}");
        }
        let e = "sometimes".parse::<When>().unwrap_err();
        assert!(e.contains("daily at 02:30"), "{e}");
    }

    #[test]
    fn an_interval_counts_from_the_last_run_and_a_new_one_runs_at_once() {
        let tz = paris();
        let w = when("every 6h");
        let last = at(2026, 3, 1, 10, 0).timestamp();
        assert_eq!(
            w.due_after(last, true, &tz),
            Some(at(2026, 3, 1, 16, 0).timestamp())
        );
        assert_eq!(w.due_after(last, false, &tz), Some(last));
        assert_eq!(when("manual").due_after(last, true, &tz), None);
    }

    #[test]
    fn times_of_day_take_the_next_slot_on_the_right_days() {
        let w = when("daily at 02:30, 14:30");
        let next = |z: &Zoned| w.next_slot(z).map(|t| t.to_zoned(paris()));
        assert_eq!(next(&at(2026, 3, 2, 1, 0)), Some(at(2026, 3, 2, 2, 30)));
        assert_eq!(next(&at(2026, 3, 2, 2, 30)), Some(at(2026, 3, 2, 14, 30)));
        assert_eq!(next(&at(2026, 3, 2, 15, 0)), Some(at(2026, 3, 3, 2, 30)));
        // 2026-03-06 is a Friday: the next weekday slot is Monday's
        let w = when("weekdays at 18:00");
        assert_eq!(
            w.next_slot(&at(2026, 3, 6, 19, 0))
                .map(|t| t.to_zoned(paris())),
            Some(at(2026, 3, 9, 18, 0))
        );
        let w = when("sun at 03:00");
        assert_eq!(
            w.next_slot(&at(2026, 3, 2, 12, 0))
                .map(|t| t.to_zoned(paris())),
            Some(at(2026, 3, 8, 3, 0))
        );
    }

    #[test]
    fn daylight_saving_gaps_and_folds_run_once() {
        let tz = paris();
        // 2026-03-29: 02:00 → 03:00 in Paris; a 02:30 slot runs at 03:30 local
        // (jiff's "compatible" choice for a gap), once
        let w = when("daily at 02:30");
        let before = at(2026, 3, 29, 1, 0);
        let slot = w.next_slot(&before).expect("a slot");
        assert_eq!(slot.to_zoned(tz.clone()).hour(), 3);
        assert_eq!(slot.to_zoned(tz.clone()).day(), 29);
        let after = w.next_slot(&slot.to_zoned(tz.clone())).expect("the next");
        assert_eq!(after.to_zoned(tz.clone()).day(), 30);
        // 2026-10-25: 03:00 → 02:00; 02:30 happens twice, the slot runs once
        let before = at(2026, 10, 25, 0, 0);
        let first = w.next_slot(&before).expect("a slot");
        let second = w.next_slot(&first.to_zoned(tz.clone())).expect("the next");
        assert_eq!(second.to_zoned(tz.clone()).day(), 26);
        assert_eq!(
            second.duration_since(first).as_secs(),
            25 * 3600,
            "the next 02:30 is a day (of 25 hours) later"
        );
        // a cron hour too
        let c = when("cron 30 2 * * *");
        let first = c.next_slot(&before).expect("a cron slot");
        let second = c.next_slot(&first.to_zoned(tz.clone())).expect("the next");
        assert_eq!(second.to_zoned(tz).day(), 26);
    }
}
