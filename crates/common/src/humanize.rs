//! Numbers and times in the words people read: "1.5 MB", "2026-11-24 22:15:02",
//! "3 hours ago". Shared by every front end so the CLI and the window agree.

use std::time::Duration;

use jiff::Timestamp;

/// "1.5 MB"-style size ("1,5 Mo" in French).
pub fn size(bytes: u64) -> String {
    let text = bytesize::ByteSize(bytes).display().si().to_string();
    match crate::i18n::current() {
        crate::i18n::Lang::En => text,
        // French: a decimal comma, a space before the unit, octets
        crate::i18n::Lang::Fr => {
            let (number, unit) = text.split_once(' ').unwrap_or((&text, ""));
            let unit = match unit {
                "B" => "o",
                "kB" => "ko",
                "MB" => "Mo",
                "GB" => "Go",
                "TB" => "To",
                "PB" => "Po",
                other => other,
            };
            format!("{}\u{a0}{unit}", number.replace('.', ","))
        }
    }
}

/// A timestamp (RFC 3339 text from the engine) in local time, "2026-11-24 22:15:02".
pub fn local_time(ts: &str) -> String {
    ts.parse::<Timestamp>()
        .map(local)
        .unwrap_or_else(|_| ts.to_string())
}

/// A timestamp in local time, "2026-11-24 22:15:02" ("24/11/2026 22:15:02" in French).
pub fn local(t: Timestamp) -> String {
    t.to_zoned(jiff::tz::TimeZone::system())
        .strftime(date_time_format(true))
        .to_string()
}

/// A timestamp in local time to the minute, "2026-11-24 22:15" ("24/11/2026 22:15").
pub fn local_minutes(t: Timestamp) -> String {
    t.to_zoned(jiff::tz::TimeZone::system())
        .strftime(date_time_format(false))
        .to_string()
}

/// The date-and-time pattern of the current language.
fn date_time_format(seconds: bool) -> &'static str {
    match (crate::i18n::current(), seconds) {
        (crate::i18n::Lang::En, true) => "%Y-%m-%d %H:%M:%S",
        (crate::i18n::Lang::En, false) => "%Y-%m-%d %H:%M",
        (crate::i18n::Lang::Fr, true) => "%d/%m/%Y %H:%M:%S",
        (crate::i18n::Lang::Fr, false) => "%d/%m/%Y %H:%M",
    }
}

/// A coming time as a person says it: "today 18:00", "tomorrow 02:30", "Sun 03:00"
/// within a week, else "2026-12-24 10:00" (`now` and `t` in local time).
pub fn upcoming(t: Timestamp, now: Timestamp) -> String {
    upcoming_in(t, now, &jiff::tz::TimeZone::system())
}

fn upcoming_in(t: Timestamp, now: Timestamp, tz: &jiff::tz::TimeZone) -> String {
    let (t, now) = (t.to_zoned(tz.clone()), now.to_zoned(tz.clone()));
    let days = (t.date() - now.date()).get_days();
    let hm = t.strftime("%H:%M").to_string();
    match days {
        0 => crate::t!("upcoming-today", time = hm),
        1 => crate::t!("upcoming-tomorrow", time = hm),
        2..=6 => {
            let day = match t.weekday() {
                jiff::civil::Weekday::Monday => crate::t!("weekday-1"),
                jiff::civil::Weekday::Tuesday => crate::t!("weekday-2"),
                jiff::civil::Weekday::Wednesday => crate::t!("weekday-3"),
                jiff::civil::Weekday::Thursday => crate::t!("weekday-4"),
                jiff::civil::Weekday::Friday => crate::t!("weekday-5"),
                jiff::civil::Weekday::Saturday => crate::t!("weekday-6"),
                jiff::civil::Weekday::Sunday => crate::t!("weekday-7"),
            };
            format!("{day} {hm}")
        }
        _ => t.strftime(date_time_format(false)).to_string(),
    }
}

/// How long ago `then` was (zero for the future: a clock set wrong is not "old").
pub fn age(then: Timestamp, now: Timestamp) -> Duration {
    Duration::from_secs((now.as_second() - then.as_second()).max(0) as u64)
}

/// "3 minutes ago", "2 days ago": the age rounded to the unit that reads best.
pub fn ago(then: Timestamp, now: Timestamp) -> String {
    let secs = age(then, now).as_secs();
    match secs {
        0..=89 => crate::t!("just-now"),
        90..=3569 => crate::t!("ago-minutes", n = (secs + 30) / 60),
        3570..=129_599 => crate::t!("ago-hours", n = (secs + 1800) / 3600),
        129_600..=5_183_999 => crate::t!("ago-days", n = (secs + 43_200) / 86_400),
        5_184_000..=47_335_999 => crate::t!("ago-months", n = secs / 2_592_000),
        _ => crate::t!("ago-years", n = secs / 31_536_000),
    }
}

/// A period in words, "1 day", "12 hours", "2 weeks": for limits people set.
pub fn period(d: Duration) -> String {
    let secs = d.as_secs();
    let units = [
        (604_800, "period-weeks"),
        (86_400, "period-days"),
        (3600, "period-hours"),
        (60, "period-minutes"),
        (1, "period-seconds"),
    ];
    for (size, key) in units {
        if secs >= size && secs.is_multiple_of(size) {
            return crate::i18n::tr_with(key, &[("n", (secs / size).into())]);
        }
    }
    humantime::format_duration(d).to_string()
}

/// A number with `places` decimals, "1.25" ("1,25" in French).
pub fn decimal(x: f64, places: usize) -> String {
    let text = format!("{x:.places$}");
    match crate::i18n::current() {
        crate::i18n::Lang::En => text,
        crate::i18n::Lang::Fr => text.replace('.', ","),
    }
}

/// Seconds with one decimal, "12.3s" ("12,3 s" in French).
pub fn seconds(s: f64) -> String {
    match crate::i18n::current() {
        crate::i18n::Lang::En => format!("{s:.1}s"),
        crate::i18n::Lang::Fr => format!("{}\u{a0}s", format!("{s:.1}").replace('.', ",")),
    }
}

/// A duration as its settings are written, "1day", "2h 30m"; in French in words
/// where it is a whole number of one unit ("1 jour", "12 heures").
pub fn span(d: Duration) -> String {
    match crate::i18n::current() {
        crate::i18n::Lang::En => humantime::format_duration(d).to_string(),
        crate::i18n::Lang::Fr => period(d),
    }
}

/// A duration in words, "1h 05m", "42s" ("1 h 05 min", "42 s" in French).
pub fn duration(d: Duration) -> String {
    let secs = d.as_secs();
    let fr = crate::i18n::current() == crate::i18n::Lang::Fr;
    match (secs, fr) {
        (0..60, false) => format!("{secs}s"),
        (60..3600, false) => format!("{}m {:02}s", secs / 60, secs % 60),
        (_, false) => format!("{}h {:02}m", secs / 3600, (secs % 3600) / 60),
        (0..60, true) => format!("{secs}\u{a0}s"),
        (60..3600, true) => format!("{}\u{a0}min {:02}\u{a0}s", secs / 60, secs % 60),
        (_, true) => format!("{}\u{a0}h {:02}\u{a0}min", secs / 3600, (secs % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coming_times_read_as_days() {
        let tz = jiff::tz::TimeZone::get("Europe/Paris").expect("tzdata");
        let at = |s: &str| {
            s.parse::<jiff::civil::DateTime>()
                .expect("a time")
                .to_zoned(tz.clone())
                .expect("in Paris")
                .timestamp()
        };
        let now = at("2026-11-27T13:00:00");
        assert_eq!(
            upcoming_in(at("2026-11-27T18:00:00"), now, &tz),
            "today 18:00"
        );
        assert_eq!(
            upcoming_in(at("2026-11-28T02:30:00"), now, &tz),
            "tomorrow 02:30"
        );
        assert_eq!(
            upcoming_in(at("2026-11-29T03:00:00"), now, &tz),
            "Sun 03:00"
        );
        assert_eq!(
            upcoming_in(at("2026-12-24T10:00:00"), now, &tz),
            "2026-12-24 10:00"
        );
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn ages_read_like_speech() {
        let now = ts("2026-01-10T12:00:00Z");
        assert_eq!(ago(ts("2026-01-10T11:59:30Z"), now), "just now");
        assert_eq!(ago(ts("2026-01-10T11:58:00Z"), now), "2 minutes ago");
        assert_eq!(ago(ts("2026-01-10T09:00:00Z"), now), "3 hours ago");
        assert_eq!(ago(ts("2026-01-08T12:00:00Z"), now), "2 days ago");
        assert_eq!(ago(ts("2025-10-10T12:00:00Z"), now), "3 months ago");
        // a snapshot from the future (clock skew) is not negative
        assert_eq!(ago(ts("2026-01-11T12:00:00Z"), now), "just now");
    }

    #[test]
    fn periods_use_the_largest_whole_unit() {
        assert_eq!(period(Duration::from_secs(86_400)), "1 day");
        assert_eq!(period(Duration::from_secs(2 * 86_400)), "2 days");
        assert_eq!(period(Duration::from_secs(14 * 86_400)), "2 weeks");
        assert_eq!(period(Duration::from_secs(36 * 3600)), "36 hours");
        assert_eq!(period(Duration::from_secs(90)), "90 seconds");
    }

    #[test]
    fn durations_are_short() {
        assert_eq!(duration(Duration::from_secs(42)), "42s");
        assert_eq!(duration(Duration::from_secs(65)), "1m 05s");
        assert_eq!(duration(Duration::from_secs(3900)), "1h 05m");
    }
}
