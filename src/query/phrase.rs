//! Phrases, proximity, compounds the index lacks, and the word being typed.

use tantivy::query::{Bm25StatisticsProvider, Bm25Weight, BooleanQuery, BoostQuery, Query};
use tantivy::{Score, Term};

use super::builder::*;
use super::terms::*;
use super::*;
use crate::analysis::Analyzer;
use crate::compound::MIN_PART_CHARS;
use crate::lang::Lang;
use crate::schema::TermField;

impl Builder<'_> {
    /// Words that must appear together: a phrase in each language's fields.
    pub(super) fn phrase_or_word(&mut self, words: &[String]) -> Unit {
        if words.len() == 1 {
            return self.word(&words[0]);
        }
        for w in words {
            self.highlight.add_word(w);
        }
        self.highlight.phrase = true;
        let together = self.together(words);
        let q: Box<dyn Query> = Box::new(BooleanQuery::union(
            TermField::LANGUAGE
                .into_iter()
                .map(|field| self.phrase(field, words, 0, weight(field)))
                .collect(),
        ));
        self.checks
            .push(WordCheck::new(&words.join(" "), false, vec![q.box_clone()]));
        Unit {
            full: q,
            direct: together.box_clone(),
            native: together,
            optional: false,
            alternatives: self.reader.is_some(),
        }
    }

    /// Words side by side, in the reader's language's fields.
    pub(super) fn together(&self, words: &[String]) -> Box<dyn Query> {
        Box::new(BooleanQuery::union(
            TermField::LANGUAGE
                .into_iter()
                .filter(|field| self.native(field.lang()))
                .map(|field| self.phrase(field, words, 0, weight(field)))
                .collect(),
        ))
    }

    /// A (translated) phrase or word in one language's fields only.
    pub(super) fn in_language(&self, words: &[String], lang: Lang) -> Box<dyn Query> {
        let mut alternatives = vec![
            self.phrase(TermField::Title(lang), words, 0, TITLE_BOOST),
            self.phrase(TermField::Body(lang), words, 0, 1.0),
        ];
        if lang == Lang::Da && words.len() == 1 {
            alternatives.push(self.term(TermField::Parts, &words[0], PARTS_BOOST));
        }
        Box::new(BooleanQuery::union(alternatives))
    }

    pub(super) fn highlight_in(&mut self, lower: &str, lang: Lang) {
        self.highlight.insert(lang, lang.analyzer().term(lower));
        if lang == Lang::Da && lower.chars().count() >= MIN_PART_CHARS {
            self.highlight.parts.push(Analyzer::Da.term(lower));
        }
    }

    /// All the free words near each other, in order, in either language's body.
    /// A bonus, not a condition: the search reads the words' positions only in documents that
    /// could still enter the top with it ([`Bonus::max`]).
    pub(super) fn proximity(&self, words: &[String]) -> Bonus {
        // Titles are short, so their positions are cheap to check for any query length; bodies
        // only for short queries.
        let mut near = vec![
            (TermField::Title(Lang::Da), TITLE_BOOST),
            (TermField::Title(Lang::En), TITLE_BOOST),
        ];
        if words.len() <= MAX_BODY_PROXIMITY_WORDS {
            near.push((TermField::Body(Lang::Da), 1.0));
            near.push((TermField::Body(Lang::En), 1.0));
        }
        let max: Score = near
            .iter()
            .map(|&(field, boost)| boost * self.phrase_max(field, words))
            .sum();
        let phrases = near
            .into_iter()
            .map(|(field, boost)| self.phrase(field, words, PROXIMITY_SLOP, boost))
            .collect();
        Bonus {
            query: Box::new(BoostQuery::new(
                Box::new(BooleanQuery::union(phrases)),
                PROXIMITY_BOOST,
            )),
            // A margin for the order in which the sums are made.
            max: PROXIMITY_BOOST * max * 1.001,
        }
    }

    /// The most a phrase of `words` in `field` can score: BM25's weight of its terms at
    /// the highest term frequency and the shortest field; nothing in a field no document has
    /// (BM25's average length is then 0 and its weight not a number), unbounded when it cannot
    /// be told.
    fn phrase_max(&self, field: TermField, words: &[String]) -> Score {
        let terms: Vec<Term> = words.iter().map(|w| self.fields.term(field, w)).collect();
        let Some(first) = terms.first() else {
            return 0.0;
        };
        match self.searcher.total_num_tokens(first.field()) {
            Ok(0) => return 0.0,
            Ok(_) => {}
            Err(_) => return Score::INFINITY,
        }
        match Bm25Weight::for_terms(self.searcher, &terms).map(|w| w.score(0, u32::MAX)) {
            Ok(max) if max.is_finite() => max,
            _ => Score::INFINITY,
        }
    }

    /// A Danish compound the index does not contain, as its parts (each found as a word or as a
    /// compound part): `korruptionsforebyggelse` → `korruption` and `forebyggelse`. The index's
    /// own vocabulary is the lexicon.
    pub(super) fn decompound(&mut self, lower: &str) -> Option<Box<dyn Query>> {
        const DANISH: [TermField; 3] = [
            TermField::Title(Lang::Da),
            TermField::Body(Lang::Da),
            TermField::Parts,
        ];
        let known = |part: &str| {
            DANISH
                .iter()
                .map(|&field| self.df(field, part))
                .sum::<u64>()
                > 0
        };
        let parts = crate::compound::split_word(lower, &known)?;
        let mut each: Vec<Box<dyn Query>> = Vec::new();
        for part in parts {
            let stem = Analyzer::Da.term(part);
            self.highlight.da.insert(stem.clone());
            self.highlight.parts.push(stem);
            each.push(Box::new(BooleanQuery::union(
                DANISH
                    .into_iter()
                    .map(|field| {
                        let boost = match field {
                            TermField::Parts => PARTS_BOOST,
                            field => weight(field),
                        };
                        self.term(field, part, boost)
                    })
                    .collect(),
            )));
        }
        Some(Box::new(BooleanQuery::intersection(each)))
    }

    /// A folded term in every field that holds folded terms ([`fold::FoldQuery`]).
    pub(super) fn folded(&self, text: &str, boost: f32) -> Box<dyn Query> {
        Box::new(BoostQuery::new(
            Box::new(fold::FoldQuery::new(self.fields, text)),
            boost,
        ))
    }

    /// `unit` (the last word, being typed) or any indexed term that begins with it, in the
    /// language fields and the folded view; the completions are marked in snippets too.
    pub(super) fn completed(&mut self, unit: Unit, lower: &str) -> Unit {
        let folded = Analyzer::Fold.term(lower);
        let mut to = Alternatives::default();
        for field in TermField::LANGUAGE.into_iter().chain([TermField::Fold]) {
            let (begun, boost) = match field {
                TermField::Fold => (folded.as_str(), FOLD_BOOST),
                field => (lower, weight(field)),
            };
            let tantivy_field = self.fields.get(field);
            let begins =
                typo::terms_beginning(self.searcher, tantivy_field, (begun, PREFIX_TERMS), |t| {
                    self.visible(tantivy_field, t)
                });
            for t in begins {
                match field.lang() {
                    Some(lang) => self.highlight.insert(lang, t.clone()),
                    None => {
                        self.highlight.fold.insert(t.clone());
                    }
                }
                let q = self.raw(field, &t, boost);
                self.alternative(&mut to, q, field.lang(), true);
            }
        }
        if to.all.is_empty() {
            return unit;
        }
        if let Some(check) = self.checks.last_mut() {
            check.plain.extend(clones(&to.all));
        }
        to.all.push(unit.full);
        to.direct.push(unit.direct);
        to.native.push(unit.native);
        to.into_unit(false)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::TantivyDocument;

    use crate::access::Audience;
    use crate::lang::Lang;
    use crate::schema::{self, TermField};

    #[test]
    fn the_proximity_bound_is_a_number_when_a_language_has_no_text() {
        // Only Danish documents: BM25 of the English fields (no tokens) is not a number, and a
        // bound that is not a number would drop every document once the top is full.
        let (index, mut writer, fields) = schema::in_memory();
        for i in 0..30 {
            let mut doc = TantivyDocument::new();
            doc.add_text(fields.id, format!("d{i}.txt"));
            doc.add_text(fields.lang, Lang::Da.code());
            doc.add_text(fields.get(TermField::Title(Lang::Da)), "opret bruger");
            doc.add_text(fields.get(TermField::Body(Lang::Da)), "bruger opret system");
            writer.add_document(doc).expect("add");
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let plan = super::super::plan("opret bruger", &fields, &searcher, false, Audience::Staff);
        let bonus = plan.query.and_then(|q| q.bonus).expect("a proximity bonus");
        assert!(bonus.max.is_finite() && bonus.max > 0.0, "{}", bonus.max);
    }
}
