//! Hit counts per language and per category, for the filter links: each counted as if its own
//! filter were off, from the fast fields.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::Query;
use tantivy::{DocId, Score, Searcher, SegmentReader};

use super::{Engine, Facets, Window};
use crate::error::Result;
use crate::query;
use crate::schema;

impl Engine {
    /// Counts per language (ignoring the language filter) and per category (ignoring the
    /// category filter), so each filter link shows what choosing it would give.
    pub(super) fn facets(
        &self,
        searcher: &Searcher,
        core: &dyn Query,
        window: &Window,
    ) -> Result<Facets> {
        let f = &self.fields;
        // The audience's restriction always holds; the other filter of each count too.
        let run = |filter: Option<(tantivy::schema::Field, &str)>| -> Result<FacetFruit> {
            let mut filters = window.restricted.clone();
            filters.extend(filter);
            let q = query::filtered(core.box_clone(), &filters);
            Ok(searcher.search(&*q, &FacetCounts)?)
        };
        let (langs, categories) = match (window.lang, window.category) {
            (None, None) => {
                let both = run(None)?;
                (both.lang, both.category)
            }
            (lang, category) => {
                let by_lang = run(category.map(|c| (f.category, c)))?;
                let by_category = run(lang.map(|l| (f.lang, l)))?;
                (by_lang.lang, by_category.category)
            }
        };
        Ok(Facets {
            lang: sorted(langs),
            category: sorted(categories),
        })
    }
}

fn sorted(counts: HashMap<String, u64>) -> Vec<(String, u64)> {
    let mut v: Vec<_> = counts.into_iter().filter(|(k, _)| !k.is_empty()).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// Counts matching documents per language and category from fast fields.
struct FacetCounts;

#[derive(Default)]
struct FacetFruit {
    lang: HashMap<String, u64>,
    category: HashMap<String, u64>,
}

struct SegmentFacetCounts {
    columns: [Option<tantivy::columnar::StrColumn>; 2],
    counts: [Vec<u64>; 2],
}

impl Collector for FacetCounts {
    type Fruit = FacetFruit;
    type Child = SegmentFacetCounts;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<SegmentFacetCounts> {
        let ff = segment.fast_fields();
        let columns = [ff.str(schema::LANG)?, ff.str(schema::CATEGORY)?];
        let counts = [0, 1].map(|i| vec![0; columns[i].as_ref().map_or(0, |c| c.num_terms())]);
        Ok(SegmentFacetCounts { columns, counts })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetFruit>) -> tantivy::Result<FacetFruit> {
        let mut all = FacetFruit::default();
        for fruit in fruits {
            for (k, v) in fruit.lang {
                *all.lang.entry(k).or_default() += v;
            }
            for (k, v) in fruit.category {
                *all.category.entry(k).or_default() += v;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentFacetCounts {
    type Fruit = FacetFruit;

    fn collect(&mut self, doc: DocId, _: Score) {
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
        let mut maps: [HashMap<String, u64>; 2] = Default::default();
        let mut name = String::new();
        for ((map, column), counts) in maps.iter_mut().zip(&self.columns).zip(&self.counts) {
            let Some(column) = column else { continue };
            for (ord, &count) in counts.iter().enumerate() {
                if count > 0 && column.ord_to_str(ord as u64, &mut name).unwrap_or(false) {
                    map.insert(name.clone(), count);
                }
            }
        }
        let [lang, category] = maps;
        FacetFruit { lang, category }
    }
}
