//! The search log for editors: which searches found nothing, and which found something that
//! nobody opened, counted per day, so an editor knows what to write or which synonym to add.
//!
//! Privacy by design: only the query's text (trimmed, lowercased, spaces collapsed) and counts
//! are kept — no address, user name, cookie or time of day — and a query that looks like
//! personal data (a CPR number, an e-mail address, a phone number, any run of eight or more
//! digits) is never kept at all. Days older than the configured number (90 by default) are
//! dropped. The log lives in memory and in one JSON file (`søgelog.json` in the index folder,
//! kept when a rebuild replaces the folder), written at most every [`SAVE_EVERY`] and when the
//! server stops; a server killed in between loses those seconds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use time::Date;

mod report;
pub use report::{QueryCounts, Report};

/// The log's file name.
pub const FILE: &str = "søgelog.json";
/// Days kept unless configured otherwise.
pub const DEFAULT_DAYS: u32 = 90;
/// The log is written to its file at most this often.
pub const SAVE_EVERY: Duration = Duration::from_secs(30);
/// Distinct queries kept per day: past it, new ones are not counted (a flood of random
/// queries cannot grow the log without bound).
const MAX_QUERIES_A_DAY: usize = 10_000;
/// Longer queries are not kept (a pasted text says little and may say too much).
const MAX_QUERY_CHARS: usize = 200;

/// The counts of one query on one day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    pub searches: u32,
    /// Searches that found nothing.
    pub empty: u32,
    /// Hits of it opened (a document page asked with this query).
    pub opened: u32,
    /// The "Mente du …?" spelling offered, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

/// Day (ISO date) → query → counts.
type Days = BTreeMap<String, BTreeMap<String, Counts>>;

/// A server's search log.
#[derive(Debug)]
pub struct SearchLog {
    path: PathBuf,
    days: u32,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    days: Days,
    changed: bool,
    saved: Instant,
}

impl SearchLog {
    /// The log in `folder`, keeping `days` days (read from its file when there is one).
    pub fn open(folder: &Path, days: u32) -> SearchLog {
        let path = folder.join(FILE);
        let loaded: Days = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        let log = SearchLog {
            path,
            days,
            state: Mutex::new(State {
                days: loaded,
                changed: false,
                saved: Instant::now(),
            }),
        };
        log.update(today(), |_| {});
        log
    }

    /// Counts a search of `query` that found `total` documents (and offered `suggestion`).
    pub fn record(&self, query: &str, total: usize, suggestion: Option<&str>) {
        self.count(query, |c| {
            c.searches = c.searches.saturating_add(1);
            if total == 0 {
                c.empty = c.empty.saturating_add(1);
            }
            if let Some(s) = suggestion {
                c.suggestion = Some(s.to_string());
            }
        });
    }

    /// Counts a hit of `query` opened.
    pub fn opened(&self, query: &str) {
        self.count(query, |c| c.opened = c.opened.saturating_add(1));
    }

    fn count(&self, query: &str, change: impl FnOnce(&mut Counts)) {
        let Some(query) = kept(query) else {
            return;
        };
        self.update(today(), |days| {
            let day = days.entry(today_key()).or_default();
            if day.len() < MAX_QUERIES_A_DAY || day.contains_key(&query) {
                change(day.entry(query).or_default());
            }
        });
    }

    /// Applies `change`, drops the days past the limit, and writes the file when it is time.
    fn update(&self, today: Date, change: impl FnOnce(&mut Days)) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        change(&mut state.days);
        let oldest = today - time::Duration::days(i64::from(self.days.max(1)) - 1);
        let before = state.days.len();
        state
            .days
            .retain(|day, _| parse_day(day).is_some_and(|d| d >= oldest));
        state.changed = true;
        let due = state.saved.elapsed() >= SAVE_EVERY || before != state.days.len();
        if due {
            self.write(&mut state);
        }
    }

    /// Writes what has changed since the last write (the server calls it when it stops).
    pub fn save(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.changed {
            self.write(&mut state);
        }
    }

    fn write(&self, state: &mut State) {
        let written = serde_json::to_vec(&state.days)
            .map_err(std::io::Error::other)
            .and_then(|bytes| crate::statefile::replace(&self.path, &bytes, 0o644));
        if let Err(e) = written {
            tracing::warn!(
                "{}: the search log is not written: {e}",
                self.path.display()
            );
        }
        state.changed = false;
        state.saved = Instant::now();
    }

    /// What editors see: each query over the kept days, and each day's totals.
    pub fn report(&self) -> Report {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        report::report(&state.days, self.days)
    }
}

/// The query as it is kept, or `None` when it is not kept at all (empty, too long, or looking
/// like personal data).
pub fn kept(query: &str) -> Option<String> {
    let normal = query
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let keep =
        !normal.is_empty() && normal.chars().count() <= MAX_QUERY_CHARS && !looks_personal(&normal);
    keep.then_some(normal)
}

/// Whether a query looks like personal data: an e-mail address, or eight or more digits in a
/// run of digit groups joined by spaces, dashes, dots, slashes, brackets or `+` (a CPR number
/// `010203-1234`, a phone number `+45 12 34 56 78`, an account number), unless every group is
/// a year (`2019-2021`).
pub fn looks_personal(query: &str) -> bool {
    let email = query.split_whitespace().any(|w| {
        w.split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
    });
    email
        || digit_runs(query).iter().any(|groups| {
            let digits: usize = groups.iter().map(String::len).sum();
            let years = groups
                .iter()
                .all(|g| g.len() == 4 && (g.starts_with("19") || g.starts_with("20")));
            digits >= 8 && !years
        })
}

/// The runs of digit groups in `text`: groups joined only by separators make one run.
fn digit_runs(text: &str) -> Vec<Vec<String>> {
    let (mut runs, mut run, mut group) = (Vec::new(), Vec::new(), String::new());
    for c in text.chars().chain(std::iter::once('\n')) {
        if c.is_ascii_digit() {
            group.push(c);
            continue;
        }
        if !group.is_empty() {
            run.push(std::mem::take(&mut group));
        }
        if !matches!(c, ' ' | '-' | '.' | '/' | '+' | '(' | ')') && !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    runs
}

fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

fn today_key() -> String {
    day_key(today())
}

pub(crate) fn day_key(day: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

pub(crate) fn parse_day(key: &str) -> Option<Date> {
    let mut parts = key.split('-').map(|p| p.parse::<i32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let month = time::Month::try_from(u8::try_from(m).ok()?).ok()?;
    Date::from_calendar_date(y, month, u8::try_from(d).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_data_is_never_kept() {
        for personal in [
            "010203-1234",
            "cpr 0102031234",
            "anna.berg@kommune.dk",
            "skriv til anna@example.org om det",
            "+45 12 34 56 78",
            "ring 1234 5678",
            "12345678",
            "reg 1234 konto 12345678",
        ] {
            assert_eq!(kept(personal), None, "{personal}");
        }
        for fine in [
            "handlingsplan 2019-2021",
            "OGP 2024",
            "ældre  Medicin",
            "1234",
            "lov nr. 123 af 1. maj",
            "@kommune",
        ] {
            assert!(kept(fine).is_some(), "{fine}");
        }
        assert_eq!(kept("  Ældre   Medicin "), Some("ældre medicin".into()));
        assert_eq!(kept(&"x".repeat(MAX_QUERY_CHARS + 1)), None);
        assert_eq!(kept("   "), None);
    }

    #[test]
    fn searches_are_counted_by_day_and_old_days_dropped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = SearchLog::open(dir.path(), 90);
        log.record("Borgerinddragelse", 0, Some("borgerinddragelsen"));
        log.record("borgerinddragelse", 0, None);
        log.record("frivillige", 12, None);
        log.record("010203-1234", 0, None);
        log.opened("frivillige");
        log.save();
        let text = std::fs::read_to_string(dir.path().join(FILE)).expect("file");
        assert!(!text.contains("010203"));
        let report = log.report();
        assert_eq!(report.zero_results.len(), 1);
        let empty = &report.zero_results[0];
        assert_eq!(
            (empty.query.as_str(), empty.searches),
            ("borgerinddragelse", 2)
        );
        assert_eq!(empty.suggestion.as_deref(), Some("borgerinddragelsen"));
        assert!(report.not_opened.is_empty(), "frivillige was opened");
        // A day older than the limit is dropped when the log is read again.
        let mut days: Days = serde_json::from_str(&text).expect("json");
        days.insert(
            "2000-01-01".into(),
            BTreeMap::from([("gammel".into(), Counts::default())]),
        );
        std::fs::write(
            dir.path().join(FILE),
            serde_json::to_vec(&days).expect("json"),
        )
        .expect("write");
        let again = SearchLog::open(dir.path(), 90);
        assert!(again.report().days.iter().all(|d| d.day != "2000-01-01"));
        assert_eq!(again.report().zero_results[0].searches, 2);
    }
}
