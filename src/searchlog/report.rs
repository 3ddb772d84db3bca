//! The search log as editors read it: each query over the kept days (most frequent first; the
//! searches that found nothing, and those whose hits nobody opened), and each day's totals with
//! its ISO week (newest first).

use serde::Serialize;

use super::{parse_day, Days};

/// The search log for the admin page and `GET /api/search-log`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// How many days the log keeps.
    pub days_kept: u32,
    /// Queries that found nothing, most searched first.
    pub zero_results: Vec<QueryCounts>,
    /// Queries that found something whose hits nobody opened, most searched first.
    pub not_opened: Vec<QueryCounts>,
    /// Each day's totals, newest first.
    pub days: Vec<DayCounts>,
}

/// One query over the kept days.
#[derive(Debug, Clone, Serialize)]
pub struct QueryCounts {
    pub query: String,
    pub searches: u32,
    /// The newest day it was searched (ISO date).
    pub last: String,
    /// Searches per ISO week (`2026-W49`), newest first.
    pub weeks: Vec<(String, u32)>,
    /// The "Mente du …?" spelling last offered for it.
    pub suggestion: Option<String>,
}

/// One day's totals.
#[derive(Debug, Clone, Serialize)]
pub struct DayCounts {
    pub day: String,
    pub week: String,
    pub searches: u32,
    pub zero_results: u32,
    /// Searches that found something of which nothing was opened that day.
    pub not_opened: u32,
}

/// How many queries of each list the report names.
const LISTED: usize = 200;

pub(super) fn report(days: &Days, days_kept: u32) -> Report {
    let mut zero: std::collections::BTreeMap<&str, QueryCounts> = Default::default();
    let mut unopened: std::collections::BTreeMap<&str, (QueryCounts, u32)> = Default::default();
    let mut totals = Vec::new();
    // Oldest first, so `last`, `weeks` and `suggestion` end as the newest.
    for (day, queries) in days {
        let week = week_of(day);
        let mut total = DayCounts {
            day: day.clone(),
            week: week.clone(),
            searches: 0,
            zero_results: 0,
            not_opened: 0,
        };
        for (query, c) in queries {
            total.searches += c.searches;
            total.zero_results += c.empty;
            if c.empty > 0 {
                add(
                    zero.entry(query).or_insert_with(|| new(query)),
                    c.empty,
                    day,
                    &week,
                );
                let entry = zero.get_mut(query.as_str());
                if let (Some(entry), Some(s)) = (entry, &c.suggestion) {
                    entry.suggestion = Some(s.clone());
                }
            }
            let found = c.searches - c.empty.min(c.searches);
            if found > 0 && c.opened == 0 {
                total.not_opened += found;
            }
            if found > 0 {
                let (counts, opened) = unopened.entry(query).or_insert_with(|| (new(query), 0));
                add(counts, found, day, &week);
                *opened += c.opened;
            }
        }
        totals.push(total);
    }
    let mut not_opened: Vec<QueryCounts> = unopened
        .into_values()
        .filter(|(_, opened)| *opened == 0)
        .map(|(counts, _)| counts)
        .collect();
    let mut zero_results: Vec<QueryCounts> = zero.into_values().collect();
    for list in [&mut zero_results, &mut not_opened] {
        list.sort_by(|a, b| {
            b.searches
                .cmp(&a.searches)
                .then_with(|| b.last.cmp(&a.last))
        });
        list.truncate(LISTED);
        for q in list.iter_mut() {
            q.weeks.reverse();
        }
    }
    totals.reverse();
    Report {
        days_kept,
        zero_results,
        not_opened,
        days: totals,
    }
}

fn new(query: &str) -> QueryCounts {
    QueryCounts {
        query: query.to_string(),
        searches: 0,
        last: String::new(),
        weeks: Vec::new(),
        suggestion: None,
    }
}

fn add(counts: &mut QueryCounts, n: u32, day: &str, week: &str) {
    counts.searches += n;
    counts.last = day.to_string();
    match counts.weeks.last_mut() {
        Some((w, count)) if w == week => *count += n,
        _ => counts.weeks.push((week.to_string(), n)),
    }
}

/// The ISO week of an ISO date (`2026-W49`).
fn week_of(day: &str) -> String {
    parse_day(day).map_or_else(String::new, |d| {
        let (year, week, _) = d.to_iso_week_date();
        format!("{year}-W{week:02}")
    })
}
