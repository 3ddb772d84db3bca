//! What the admin page says in Danish where the API speaks English or UTC: times in Danish local
//! time, and why a file is not indexed.
//!
//! Danish time is the EU rule (central European time, UTC+1, and summer time, UTC+2, from the
//! last Sunday of March at 01:00 UTC to the last Sunday of October at 01:00 UTC), computed here
//! rather than from a time zone database: the `time` crate has none, and one rule that has held
//! since 1996 does not justify a dependency with a bundled database.

use std::time::SystemTime;

use time::{Date, Month, OffsetDateTime, UtcOffset};

use super::ui::Ui;
use crate::skipped::{SkipKind, SkipReason};

/// The instant summer time starts or ends in year `year`: the last Sunday of `month` (March or
/// October, both 31 days long) at 01:00 UTC.
fn switch(year: i32, month: Month) -> Option<OffsetDateTime> {
    let last = Date::from_calendar_date(year, month, 31).ok()?;
    let sunday = last - time::Duration::days(i64::from(last.weekday().number_days_from_sunday()));
    Some(sunday.with_hms(1, 0, 0).ok()?.assume_utc())
}

/// `at` on the clocks of Denmark.
fn copenhagen(at: OffsetDateTime) -> OffsetDateTime {
    let utc = at.to_offset(UtcOffset::UTC);
    let summer = match (
        switch(utc.year(), Month::March),
        switch(utc.year(), Month::October),
    ) {
        (Some(start), Some(end)) => start <= utc && utc < end,
        _ => false,
    };
    let hours = if summer { 2 } else { 1 };
    UtcOffset::from_hms(hours, 0, 0).map_or(utc, |offset| utc.to_offset(offset))
}

/// A moment as Danish readers read it: `28. november 2026 kl. 04:33`, in Danish time.
pub fn moment(at: SystemTime) -> String {
    let local = copenhagen(OffsetDateTime::from(at));
    let day = crate::date::Date::ymd(
        u16::try_from(local.year()).unwrap_or(0),
        u8::from(local.month()),
        local.day(),
    );
    format!(
        "{} kl. {:02}:{:02}",
        day.map(|d| Ui::Da.date(d)).unwrap_or_default(),
        local.hour(),
        local.minute()
    )
}

/// Why a file is not indexed, in Danish.
pub fn skip_reason(reason: &SkipReason) -> String {
    let detail = reason.detail.as_deref().unwrap_or_default();
    match reason.kind {
        SkipKind::Binary => "filen er binær (ikke tekst) og ikke i et format, vidensbase læser".into(),
        SkipKind::Empty => "filen indeholder ingen tekst".into(),
        SkipKind::Scanned => "filen er en scanning uden tekst, og tekstgenkendelsen (OCR) fandt heller ingen".into(),
        SkipKind::Password => "filen er beskyttet med en adgangskode".into(),
        SkipKind::Damaged => "filen er beskadiget eller ikke det, filnavnet siger".into(),
        SkipKind::Unreadable => "filen kunne ikke læses; den prøves igen ved næste indeksering".into(),
        SkipKind::ProgramMissing => format!("filen kræver programmet {detail}, som ikke er installeret på serveren (Debian-pakken {}); den prøves igen ved næste indeksering", crate::format::package_of(detail)),
        SkipKind::WaitingForOcr => "filen er en scanning; tekstgenkendelsen (OCR) læser den nu, og den bliver søgbar, når den er læst".into(),
        SkipKind::Timeout => "det tog for lang tid at læse filen, så læsningen blev stoppet; den prøves igen ved næste indeksering".into(),
    }
}

/// The technical detail worth showing beside the Danish reason (in English, as the program or
/// the system said it), if any: what was wrong with a damaged or unreadable file.
pub fn skip_detail(reason: &SkipReason) -> Option<&str> {
    match reason.kind {
        SkipKind::Damaged | SkipKind::Unreadable => reason.detail.as_deref(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `y-m-d h:min:s` UTC.
    fn utc(y: i32, m: u8, d: u8, (h, min, s): (u8, u8, u8)) -> OffsetDateTime {
        let month = Month::try_from(m).unwrap_or(Month::January);
        Date::from_calendar_date(y, month, d)
            .and_then(|date| date.with_hms(h, min, s))
            .map(|t| t.assume_utc())
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    fn local(at: OffsetDateTime) -> String {
        let t = copenhagen(at);
        format!(
            "{} {:02}:{:02} {}",
            t.date(),
            t.hour(),
            t.minute(),
            t.offset().whole_hours()
        )
    }

    #[test]
    fn summer_time_begins_on_the_last_sunday_of_march_at_one_utc() {
        assert_eq!(local(utc(2026, 3, 29, (0, 59, 59))), "2026-03-29 01:59 1");
        assert_eq!(local(utc(2026, 3, 29, (1, 0, 0))), "2026-03-29 03:00 2");
        // 2025: the last Sunday of March is the 30th; the 23rd is winter.
        assert_eq!(local(utc(2025, 3, 23, (12, 0, 0))), "2025-03-23 13:00 1");
        assert_eq!(local(utc(2025, 3, 30, (0, 59, 0))), "2025-03-30 01:59 1");
        assert_eq!(local(utc(2025, 3, 30, (1, 0, 0))), "2025-03-30 03:00 2");
    }

    #[test]
    fn summer_time_ends_on_the_last_sunday_of_october_at_one_utc() {
        assert_eq!(local(utc(2026, 10, 25, (0, 59, 59))), "2026-10-25 02:59 2");
        assert_eq!(local(utc(2026, 10, 25, (1, 0, 0))), "2026-10-25 02:00 1");
        // A month whose 31st is a Sunday: 2026-05-31 is summer, 2027-10-31 is the switch.
        assert_eq!(local(utc(2027, 10, 31, (0, 59, 0))), "2027-10-31 02:59 2");
        assert_eq!(local(utc(2027, 10, 31, (1, 0, 0))), "2027-10-31 02:00 1");
        assert_eq!(local(utc(2026, 7, 1, (22, 30, 0))), "2026-07-02 00:30 2");
        assert_eq!(local(utc(2026, 12, 31, (23, 30, 0))), "2027-01-01 00:30 1");
    }

    #[test]
    fn moments_read_the_danish_way_in_danish_time() {
        let at = |odt: OffsetDateTime| SystemTime::from(odt);
        assert_eq!(
            moment(at(utc(2026, 11, 28, (3, 33, 7)))),
            "28. november 2026 kl. 04:33"
        );
        assert_eq!(
            moment(at(utc(2026, 6, 30, (22, 5, 0)))),
            "1. juli 2026 kl. 00:05"
        );
    }

    #[test]
    fn reasons_are_danish_with_the_detail_only_where_it_helps() {
        let damaged = SkipReason::from(&crate::extract::Refusal::Damaged("bad xref".into()));
        assert_eq!(
            skip_reason(&damaged),
            "filen er beskadiget eller ikke det, filnavnet siger"
        );
        assert_eq!(skip_detail(&damaged), Some("bad xref"));
        let timeout = SkipReason::from(&crate::extract::Refusal::TookTooLong(120));
        assert!(skip_reason(&timeout).starts_with("det tog for lang tid"));
        assert_eq!(skip_detail(&timeout), None);
        let binary = SkipReason::from(&crate::extract::Refusal::Binary);
        assert!(skip_reason(&binary).starts_with("filen er binær"));
        assert_eq!(skip_detail(&binary), None);
    }
}
