//! Hit counts per language and per category, for the filter links: each counted as if its own
//! filter were off, from the fast fields.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::Query;
use tantivy::{DocId, Score, Searcher, SegmentReader};

use super::retrieve::Filters;
use super::{Engine, Facets, Window};
use crate::error::Result;

use crate::schema;

impl Engine {
    /// Counts per language, category, type and year, each ignoring its own filter, so each
    /// filter link shows what choosing it would give.
    pub(super) fn facets(
        &self,
        searcher: &Searcher,
        core: &dyn Query,
        window: &Window,
    ) -> Result<Facets> {
        let f = &self.fields;
        // Every filter but `without` (the audience's restriction always holds).
        let run = |without: Dimension| -> Result<FacetFruit> {
            let mut filters = Filters {
                terms: window.restricted.clone(),
                days: None,
            };
            let chosen = [
                (Dimension::Lang, window.lang.map(|l| (f.lang, l))),
                (
                    Dimension::Category,
                    window.category.map(|c| (f.category, c)),
                ),
                (Dimension::Kind, window.kind.map(|k| (f.kind, k))),
            ];
            for (dimension, term) in chosen {
                filters.terms.extend(term.filter(|_| dimension != without));
            }
            if without != Dimension::Year {
                filters.days = window.filters.days;
            }
            Ok(searcher.search(&*filters.apply(core.box_clone()), &FacetCounts)?)
        };
        let set = [
            (Dimension::Lang, window.lang.is_some()),
            (Dimension::Category, window.category.is_some()),
            (Dimension::Kind, window.kind.is_some()),
            (Dimension::Year, window.days.is_some()),
        ];
        // One count with every filter, and one more for each filter that is set.
        let all = run(Dimension::None)?;
        let of = |dimension: Dimension| -> Result<FacetFruit> {
            match set.iter().any(|&(d, on)| d == dimension && on) {
                true => run(dimension),
                false => Ok(all.clone()),
            }
        };
        let [lang, category, kind] = [Dimension::Lang, Dimension::Category, Dimension::Kind]
            .map(|d| of(d).map(|fruit| fruit.strings[d as usize].clone()));
        let mut year: Vec<(u16, u64)> = of(Dimension::Year)?.years.into_iter().collect();
        year.sort_by_key(|&(y, _)| std::cmp::Reverse(y));
        Ok(Facets {
            lang: sorted(lang?),
            category: sorted(category?),
            kind: sorted(kind?),
            year,
        })
    }
}

/// What a facet counts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dimension {
    Lang = 0,
    Category = 1,
    Kind = 2,
    Year = 3,
    None = 4,
}

fn sorted(counts: HashMap<String, u64>) -> Vec<(String, u64)> {
    let mut v: Vec<_> = counts.into_iter().filter(|(k, _)| !k.is_empty()).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// Counts matching documents per language and category from fast fields.
struct FacetCounts;

#[derive(Default, Clone)]
struct FacetFruit {
    /// Per language, category and type (in [`Dimension`]'s order).
    strings: [HashMap<String, u64>; 3],
    years: HashMap<u16, u64>,
}

struct SegmentFacetCounts {
    columns: [Option<tantivy::columnar::StrColumn>; 3],
    counts: [Vec<u64>; 3],
    days: Option<tantivy::columnar::Column<u64>>,
    years: HashMap<u16, u64>,
}

impl Collector for FacetCounts {
    type Fruit = FacetFruit;
    type Child = SegmentFacetCounts;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<SegmentFacetCounts> {
        let ff = segment.fast_fields();
        let columns = [
            ff.str(schema::LANG)?,
            ff.str(schema::CATEGORY)?,
            ff.str(schema::KIND)?,
        ];
        let counts = [0, 1, 2].map(|i| vec![0; columns[i].as_ref().map_or(0, |c| c.num_terms())]);
        let days = ff.u64(schema::DAY).ok();
        Ok(SegmentFacetCounts {
            columns,
            counts,
            days,
            years: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetFruit>) -> tantivy::Result<FacetFruit> {
        let mut all = FacetFruit::default();
        for fruit in fruits {
            for (into, from) in all.strings.iter_mut().zip(fruit.strings) {
                for (k, v) in from {
                    *into.entry(k).or_default() += v;
                }
            }
            for (year, n) in fruit.years {
                *all.years.entry(year).or_default() += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentFacetCounts {
    type Fruit = FacetFruit;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(day) = self.days.as_ref().and_then(|days| days.first(doc)) {
            if let Ok(year) = u16::try_from(day / 10_000) {
                if year > 0 {
                    *self.years.entry(year).or_default() += 1;
                }
            }
        }
        for (column, counts) in self.columns.iter().zip(&mut self.counts) {
            if let Some(column) = column {
                for ord in column.term_ords(doc) {
                    if let Some(c) = counts.get_mut(ord as usize) {
                        *c += 1;
                    }
                }
            }
        }
    }

    fn harvest(self) -> FacetFruit {
        let mut maps: [HashMap<String, u64>; 3] = Default::default();
        let mut name = String::new();
        for ((map, column), counts) in maps.iter_mut().zip(&self.columns).zip(&self.counts) {
            let Some(column) = column else { continue };
            for (ord, &count) in counts.iter().enumerate() {
                if count > 0 && column.ord_to_str(ord as u64, &mut name).unwrap_or(false) {
                    map.insert(name.clone(), count);
                }
            }
        }
        FacetFruit {
            strings: maps,
            years: self.years,
        }
    }
}
