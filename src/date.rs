//! A document's date: a year, a month of a year, or a day. The one date type that extraction
//! writes (from metadata and front matter), the index stores (as ISO text, `2019-07-01`, and as
//! a number that sorts newest first) and the pages and the JSON show.

use std::fmt;

use crate::lang::MONTHS;

/// A year, a month of it, or a day of that; `month` and `day` are 0 when not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The calendar day of a moment, as the `time` crate gives it.
    pub fn of_day(day: time::Date) -> Option<Date> {
        let year = u16::try_from(day.year()).ok()?;
        Date::ymd(year, u8::from(day.month()), day.day())
    }

    /// A day; `None` for a day the calendar does not have (`2019-02-29`, `2019-04-31`).
    pub fn ymd(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap =
            year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            1..=12 => 31,
            _ => 0,
        };
        let ok = (1..=9999).contains(&year) && (1..=days).contains(&day);
        ok.then_some(Date { year, month, day })
    }

    /// An ISO 8601 date (`2019`, `2019-07`, `2019-07-01`) or date-time
    /// (`2019-07-01T10:00:00+02:00`), or a Danish day (`1. juli 2019`, `01.07.2019`). Also how a
    /// stored date is read back: the index holds ISO text (or, written before this type, a front
    /// matter's own spelling).
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        iso(text).or_else(|| danish(text))
    }

    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1–12, when known.
    pub fn month(self) -> Option<u8> {
        (self.month > 0).then_some(self.month)
    }

    /// The day of the month, when known.
    pub fn day(self) -> Option<u8> {
        (self.day > 0).then_some(self.day)
    }

    /// `2019-07-01` as `20190701`, `2019-07` as `20190700`, `2019` as `20190000`: sorted
    /// descending, the newest come first (0, no date, last).
    pub fn day_number(self) -> u64 {
        u64::from(self.year) * 10_000 + u64::from(self.month) * 100 + u64::from(self.day)
    }
}

/// ISO text: `2019-07-01`, `2019-07` or `2019`.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if self.month > 0 {
            write!(f, "-{:02}", self.month)?;
        }
        if self.day > 0 {
            write!(f, "-{:02}", self.day)?;
        }
        Ok(())
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `2019`, `2019-07`, `2019-07-01`, the last also followed by a time (`T…` or ` …`).
fn iso(text: &str) -> Option<Date> {
    let digits = |s: Option<&str>, len: usize| {
        s.filter(|s| s.len() == len && s.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|s| s.parse::<u16>().ok())
    };
    let year = digits(text.get(..4), 4).filter(|y| *y > 0)?;
    let rest = &text[4..];
    if rest.is_empty() {
        return Some(Date {
            year,
            month: 0,
            day: 0,
        });
    }
    let month = digits(rest.strip_prefix('-').and_then(|r| r.get(..2)), 2)
        .filter(|m| (1..=12).contains(m))? as u8;
    let rest = &rest[3..];
    if rest.is_empty() {
        return Some(Date {
            year,
            month,
            day: 0,
        });
    }
    let day = digits(rest.strip_prefix('-').and_then(|r| r.get(..2)), 2)? as u8;
    let after = &rest[3..];
    let time = after.is_empty() || after.starts_with(['T', 't', ' ']);
    Date::ymd(year, month, day).filter(|_| time)
}

/// `1. juli 2019` or `01.07.2019`.
fn danish(text: &str) -> Option<Date> {
    let number = |s: &str| s.parse::<u16>().ok();
    let parts: Vec<&str> = text.split_whitespace().collect();
    match parts.as_slice() {
        [day, month, year] => {
            let day = number(day.strip_suffix('.')?)?;
            let month = MONTHS.iter().position(|(da, en)| {
                month.eq_ignore_ascii_case(da) || month.eq_ignore_ascii_case(en)
            })? + 1;
            Date::ymd(number(year)?, month as u8, u8::try_from(day).ok()?)
        }
        [numeric] => {
            let parts: Vec<&str> = numeric.split('.').collect();
            let [day, month, year] = parts.as_slice() else {
                return None;
            };
            let year = number(year).filter(|_| year.len() == 4)?;
            let (month, day) = (number(month)?, number(day)?);
            Date::ymd(year, u8::try_from(month).ok()?, u8::try_from(day).ok()?)
        }
        _ => None,
    }
}

/// A moment as RFC 3339 in UTC (`2026-11-28T10:15:00Z`), as the status, the audit log and the
/// feeds write it.
pub fn rfc3339(at: std::time::SystemTime) -> String {
    time::OffsetDateTime::from(at)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Option<String> {
        Date::parse(text).map(|d| d.to_string())
    }

    #[test]
    fn iso_dates_and_date_times() {
        assert_eq!(parsed("2019-07-01").as_deref(), Some("2019-07-01"));
        assert_eq!(
            parsed(" 2019-07-01T10:00:00+02:00").as_deref(),
            Some("2019-07-01")
        );
        assert_eq!(parsed("2022-08").as_deref(), Some("2022-08"));
        assert_eq!(parsed("2021").as_deref(), Some("2021"));
        assert_eq!(parsed("2019-13-01"), None);
        assert_eq!(parsed("2019-07-32"), None);
        assert_eq!(parsed("2019-02-29"), None);
        assert_eq!(parsed("2020-02-29").as_deref(), Some("2020-02-29"));
        assert_eq!(parsed("1900-02-29"), None);
        assert_eq!(parsed("31. april 2019"), None);
        assert_eq!(parsed("2019-07-01x"), None);
        assert_eq!(parsed("D:2019"), None);
        assert_eq!(parsed("i går"), None);
        assert_eq!(parsed("0000"), None);
    }

    #[test]
    fn danish_days() {
        assert_eq!(parsed("1. juli 2019").as_deref(), Some("2019-07-01"));
        assert_eq!(parsed("24. December 2024").as_deref(), Some("2024-12-24"));
        assert_eq!(parsed("01.07.2019").as_deref(), Some("2019-07-01"));
        assert_eq!(parsed("1. juli"), None);
        assert_eq!(parsed("1.7.19"), None);
    }

    #[test]
    fn the_newest_sorts_first() {
        let n = |s: &str| Date::parse(s).map_or(0, Date::day_number);
        assert_eq!(n("2019-07-01"), 20190701);
        assert_eq!(n("2022-08"), 20220800);
        assert_eq!(n("2021"), 20210000);
        assert!(n("2022-08") > n("2021-12-31") && n("2021") > n("i går"));
    }

    #[test]
    fn the_stored_text_reads_back() {
        for text in ["2019-07-01", "2022-08", "2021"] {
            let date = Date::parse(text).expect("a date");
            assert_eq!(Date::parse(&date.to_string()), Some(date));
        }
        assert_eq!(
            serde_json::to_string(&Date::parse("2019-07-01")).expect("json"),
            "\"2019-07-01\""
        );
    }
}
