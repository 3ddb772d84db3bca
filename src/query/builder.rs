//! The query builder: a parsed query's clauses become units (a word or phrase with everything
//! that may satisfy it), and the units the strict query with its tiers, the reader's edition
//! preferred, and the relaxed query.

use tantivy::query::{BooleanQuery, BoostQuery, Query};
use tantivy::{Searcher, Term};

use super::at_least::AtLeast;
use super::question::{question_type, AnswerType};
use super::terms::*;
use super::*;
use crate::analysis::{self};
use crate::lang::Lang;
use crate::schema::{Fields, TermField};

pub(super) struct Builder<'a> {
    pub(super) fields: &'a Fields,
    pub(super) searcher: &'a Searcher,
    pub(super) highlight: Highlight,
    pub(super) expansions: Vec<(UsedExpansion, Box<dyn Query>)>,
    /// The query's last word is being typed (see [`plan_as_typed`]).
    pub(super) typing: bool,
    /// The reader's language ([`language`]); `None` for both.
    pub(super) reader: Option<Lang>,
    pub(super) doc_freqs: std::cell::RefCell<std::collections::HashMap<Term, u64>>,
    /// Per word, in the order of the query ([`checks`]).
    pub(super) checks: Vec<WordCheck>,
    /// The query has words besides function words: those are then not marked as found (`er`,
    /// `hvordan` in a snippet say nothing of why a hit matched).
    pub(super) content: bool,
    /// The internal documents' filter term, when the reader may not see them and the index
    /// holds some: frequencies then count public documents only ([`Builder::term_df`]).
    pub(super) hidden: Option<Term>,
    /// The editors' synonyms and translations, beside the glossary.
    pub(super) editorial: Option<&'a crate::glossary::editorial::Editorial>,
}

/// One required piece of the query: everything that may satisfy it, and the parts of that which
/// decide its ranking tier.
pub(super) struct Unit {
    pub(super) full: Box<dyn Query>,
    /// The reader's own spelling (or its `aa`/`å` twin) in the reader's language's fields.
    pub(super) direct: Box<dyn Query>,
    /// Any match in the reader's language: `direct`, inflections, folding, compound parts,
    /// close spellings; not translations, not the other language's text.
    pub(super) native: Box<dyn Query>,
    /// A function word: neither required nor scored (see [`Builder::build`]).
    pub(super) optional: bool,
    /// `full` can match where `direct` does not.
    pub(super) alternatives: bool,
}

impl Unit {
    pub(super) fn clone_unit(&self) -> Unit {
        Unit {
            full: self.full.box_clone(),
            direct: self.direct.box_clone(),
            native: self.native.box_clone(),
            optional: self.optional,
            alternatives: self.alternatives,
        }
    }
}

/// A query's alternatives sorted by what they say about the match: all of them, those in the
/// reader's language, and the reader's own spellings there.
#[derive(Default)]
pub(super) struct Alternatives {
    pub(super) all: Vec<Box<dyn Query>>,
    pub(super) native: Vec<Box<dyn Query>>,
    pub(super) direct: Vec<Box<dyn Query>>,
    /// Queries that add score to matches the others make, and find nothing new.
    pub(super) scoring: Vec<Box<dyn Query>>,
}

impl Alternatives {
    /// Adds `other`'s alternatives to these.
    pub(super) fn absorb(&mut self, other: Alternatives) {
        self.all.extend(other.all);
        self.native.extend(other.native);
        self.direct.extend(other.direct);
        self.scoring.extend(other.scoring);
    }

    pub(super) fn into_unit(self, optional: bool) -> Unit {
        Unit {
            alternatives: self.all.len() > self.direct.len(),
            full: Box::new(BooleanQuery::union(
                self.all.into_iter().chain(self.scoring).collect(),
            )),
            direct: Box::new(BooleanQuery::union(self.direct)),
            native: Box::new(BooleanQuery::union(self.native)),
            optional,
        }
    }
}

pub(super) fn clones(queries: &[Box<dyn Query>]) -> Vec<Box<dyn Query>> {
    queries.iter().map(|q| q.box_clone()).collect()
}

/// All of `queries` (when `required` is all of them) or at least `required` of them.
pub(super) fn at_least(queries: Vec<Box<dyn Query>>, required: usize) -> Box<dyn Query> {
    match required {
        r if r >= queries.len() => Box::new(BooleanQuery::intersection(queries)),
        0 | 1 => Box::new(BooleanQuery::union(queries)),
        r if queries.len() > super::at_least::MAX_CLAUSES => Box::new(
            BooleanQuery::union_with_minimum_required_clauses(queries, r),
        ),
        r => Box::new(super::at_least::AtLeast::new(queries, r)),
    }
}

/// The words of a query's clauses but the excluded ones, in order.
pub(super) fn searched_words(clauses: &[Clause]) -> impl Iterator<Item = &str> {
    clauses
        .iter()
        .filter(|c| !c.excluded)
        .flat_map(|c| &c.words)
        .map(String::as_str)
}

/// What a query's clauses make: the units it requires, the single words (and quoted phrases)
/// the relaxed query accepts any one of, the excluded words, and the free words in order (for
/// the proximity boost).
pub(super) struct Pieces {
    pub(super) units: Vec<Unit>,
    pub(super) loose: Vec<Unit>,
    pub(super) excluded: Vec<Box<dyn Query>>,
    pub(super) free: Vec<String>,
}

impl Pieces {
    /// Takes the function words out, unless the query has nothing else, and tells whether the
    /// remaining words have alternatives (without them every match is direct, and tiers would
    /// only repeat the query). Function words neither decide nor score: `hvordan`, `kan jeg`,
    /// `how do I` say what kind of answer is wanted, not what it is about, and a page that
    /// repeats them is no better for it. They stay in the proximity boost, where they join the
    /// words of a phrase.
    pub(super) fn without_function_words(&mut self) -> bool {
        if self.units.iter().all(|u| u.optional) {
            for u in self.units.iter_mut().chain(self.loose.iter_mut()) {
                u.optional = false;
            }
        }
        self.units.retain(|u| !u.optional);
        let tiered = self.units.iter().chain(&self.loose).any(|u| u.alternatives);
        self.loose.retain(|u| !u.optional);
        tiered
    }
}

/// The strict query: the documents with (nearly) every required unit, and its tiers.
pub(super) struct Strict {
    pub(super) core: Box<dyn Query>,
    pub(super) tiers: Vec<Box<dyn Query>>,
    /// The documents with every unit, when `core` needs only some ([`Plan::lenient`]).
    pub(super) every: Option<Box<dyn Query>>,
    pub(super) lenient: bool,
}

impl Strict {
    pub(super) fn of(units: Vec<Unit>, tiered: bool) -> Strict {
        let mut full = Vec::new();
        let mut direct = Vec::new();
        let mut native = Vec::new();
        for u in units {
            full.push(u.full);
            direct.push(u.direct);
            native.push(u.native);
        }
        let need = words_needed(full.len());
        let lenient = need < full.len();
        Strict {
            every: lenient.then(|| at_least(clones(&full), usize::MAX)),
            core: at_least(full, need),
            tiers: if tiered {
                vec![at_least(direct, need), at_least(native, need)]
            } else {
                Vec::new()
            },
            lenient,
        }
    }
}

impl Builder<'_> {
    /// The plan of a parsed query: its pieces, the strict query with its tiers, the reader's
    /// edition preferred, and the relaxed query.
    pub(super) fn build(mut self, clauses: &[Clause], expand: bool) -> Plan {
        let mut pieces = self.pieces(clauses, expand);
        if pieces.units.is_empty() {
            return self.plan(None, None, false);
        }
        let proximity = (2..=12)
            .contains(&pieces.free.len())
            .then(|| self.proximity(&pieces.free));
        let tiered = pieces.without_function_words();
        let Pieces {
            units,
            loose,
            excluded,
            ..
        } = pieces;
        // A question's units, each with its alternatives (a glossary span's translation too).
        let question = (loose.len() > 1 && self.question_like(clauses))
            .then(|| units.iter().map(|u| u.full.box_clone()).collect::<Vec<_>>());
        let mut strict = Strict::of(units, tiered);
        let prefer = self.preferred(strict.tiers.last().map(|t| t.as_ref()));
        let steps = self.steps(clauses);
        if let Some(any) = question {
            // A question: no tiers. Its words are many, and the page that answers it need not
            // use them all (`får`, `hele`, `in Calc`, `someone`): the sum of its units' scores
            // scaled by the share it has of them outranks a page that happens to repeat more.
            let query = Tiered {
                query: wrap(Box::new(AtLeast::new(any, 1).by_share()), &excluded),
                tiers: Vec::new(),
                prefer,
                steps,
                every: Some(strict.every.unwrap_or(strict.core)),
                bonus: proximity,
            };
            return self.plan(Some(query), None, true);
        }
        // Documents with (nearly) every word first, in the strict query's tiers; the others by
        // score.
        let mut relaxed_tiers = vec![strict.core.box_clone()];
        relaxed_tiers.extend(strict.tiers.iter().map(|t| t.box_clone()));
        // The strict query's last tier: among the documents with the words, the reader's edition.
        if let Some(prefer) = &prefer {
            strict.tiers.push(prefer.box_clone());
        }
        let relaxed = (loose.len() > 1).then(|| {
            let any: Vec<_> = loose.into_iter().map(|u| u.full).collect();
            Tiered {
                query: wrap(at_least(any, 1), &excluded),
                tiers: relaxed_tiers,
                prefer: prefer.as_ref().map(|p| p.box_clone()),
                steps: steps.as_ref().map(|s| s.box_clone()),
                every: None,
                bonus: proximity.clone(),
            }
        });
        let query = Tiered {
            query: wrap(strict.core, &excluded),
            tiers: strict.tiers,
            prefer,
            steps: steps.as_ref().map(|s| s.box_clone()),
            every: strict.every,
            bonus: proximity,
        };
        self.plan(Some(query), relaxed, strict.lenient)
    }

    pub(super) fn plan(
        self,
        query: Option<Tiered>,
        relaxed: Option<Tiered>,
        lenient: bool,
    ) -> Plan {
        Plan {
            query,
            relaxed,
            lang: self.reader,
            highlight: self.highlight,
            expansions: self.expansions,
            checks: self.checks,
            lenient,
        }
    }

    /// The units, loose words, exclusions and free words of `clauses`; a word being typed is
    /// completed.
    pub(super) fn pieces(&mut self, clauses: &[Clause], expand: bool) -> Pieces {
        let mut p = Pieces {
            units: Vec::new(),
            loose: Vec::new(),
            excluded: Vec::new(),
            free: Vec::new(),
        };
        // Consecutive free words, for glossary spans.
        let mut free_run: Vec<String> = Vec::new();
        for Clause {
            words,
            quoted,
            excluded,
        } in clauses
        {
            if *excluded {
                let saved = (self.highlight.clone(), self.checks.len());
                p.excluded.push(self.phrase_or_word(words).full);
                self.highlight = saved.0;
                self.checks.truncate(saved.1);
                continue;
            }
            // Unquoted words, including hyphenated ones (`anti-corruption`), are free words:
            // each is required on its own, glossary entries can span them, proximity rewards order.
            if !quoted {
                free_run.extend(words.iter().cloned());
                p.free.extend(words.iter().cloned());
                continue;
            }
            self.flush_free(&mut free_run, &mut p.units, &mut p.loose, expand);
            let unit = self.phrase_or_word(words);
            p.loose.push(unit.clone_unit());
            p.units.push(unit);
        }
        let typed = self.typing.then(|| free_run.last().cloned()).flatten();
        self.flush_free(&mut free_run, &mut p.units, &mut p.loose, expand);
        if let Some(word) = typed.filter(|w| w.chars().count() >= PREFIX_MIN_CHARS) {
            // The unit that holds the last word (its word, or a glossary span ending in it).
            if let Some(last) = p.units.pop() {
                let completed = self.completed(last, &word);
                if let Some(l) = p.loose.last_mut() {
                    *l = completed.clone_unit();
                }
                p.units.push(completed);
            }
        }
        p
    }

    /// The reader's edition: the documents in the reader's language that match in it
    /// (`native`, the strict query's last tier, when there are tiers). Where a Danish manual
    /// quotes an English passage, an English question gets the English edition, however short
    /// and dense the quoted passage scores; a weak English text is no better an answer to
    /// `social housing` than a Danish one on `almene boliger`.
    pub(super) fn preferred(&self, native: Option<&dyn Query>) -> Option<Box<dyn Query>> {
        self.reader.map(|reader| {
            let lang = term_query(Term::from_field_text(self.fields.lang, reader.code()));
            match native {
                Some(native) => at_least(vec![native.box_clone(), lang], 2),
                None => lang,
            }
        })
    }

    /// For a question that asks how to do something (`Hvordan …`, `How do I …`), the
    /// documents with numbered steps ([`crate::schema::STEPS`]).
    pub(super) fn steps(&self, clauses: &[Clause]) -> Option<Box<dyn Query>> {
        let words: Vec<&str> = searched_words(clauses).collect();
        (question_type(&words) == Some(AnswerType::Steps)).then(|| {
            term_query(Term::from_field_text(
                self.fields.shape,
                crate::schema::STEPS,
            ))
        })
    }

    /// The query reads as a question: it has a question word (`hvordan`, `what`), or four
    /// content words or more.
    pub(super) fn question_like(&self, clauses: &[Clause]) -> bool {
        let content = searched_words(clauses)
            .filter(|w| !analysis::is_stop_word(w))
            .count();
        searched_words(clauses).any(super::question::is_any_question_word) || content >= 4
    }

    /// The reader's language, from the words of the query ([`language`]).
    pub(super) fn language(&self, clauses: &[Clause]) -> Option<Lang> {
        let docs = |code: &str| self.raw_df(self.fields.lang, code);
        let (da_docs, en_docs) = (docs(Lang::Da.code()), docs(Lang::En.code()));
        let words = clauses
            .iter()
            .filter(|c| !c.excluded)
            .flat_map(|c| &c.words)
            .map(|lower| {
                let mut seen = language::Occurrences {
                    da_docs,
                    en_docs,
                    ..Default::default()
                };
                let spellings = std::iter::once(lower.clone()).chain(analysis::aa_spelling(lower));
                // Documents, as far as frequencies tell: a document with the word in its title
                // and its text is one, so each language counts its field with the most.
                for w in spellings {
                    let (mut da, mut en) = (0, 0);
                    for field in TermField::LANGUAGE.into_iter().chain([TermField::Parts]) {
                        match field.lang() {
                            Some(Lang::Da) => da = da.max(self.df(field, &w)),
                            Some(Lang::En) => en = en.max(self.df(field, &w)),
                            None => {}
                        }
                    }
                    seen.in_da += da;
                    seen.in_en += en;
                }
                language::of_word(lower, seen)
            });
        language::of_query(words)
    }

    /// Whether a match in `lang`'s fields (`None`: a field of both) is in the reader's language.
    pub(super) fn native(&self, lang: Option<Lang>) -> bool {
        match (self.reader, lang) {
            (Some(reader), Some(lang)) => reader == lang,
            _ => true,
        }
    }

    /// Turns a run of free words into units: each word with its own translations, and words
    /// that form a multi-word glossary entry joined into one unit with the entry's translation.
    pub(super) fn flush_free(
        &mut self,
        run: &mut Vec<String>,
        units: &mut Vec<Unit>,
        loose: &mut Vec<Unit>,
        expand: bool,
    ) {
        if run.is_empty() {
            return;
        }
        let spans = if expand {
            self.translations(run)
        } else {
            Vec::new()
        };
        let first_check = self.checks.len();
        let words: Vec<Unit> = run
            .iter()
            .map(|w| self.translated_word(w, expand))
            .collect();
        loose.extend(words.iter().map(Unit::clone_unit));
        let mut i = 0;
        while i < run.len() {
            let here: Vec<_> = spans
                .iter()
                .filter(|e| e.start == i && e.end > i + 1)
                .collect();
            let Some(end) = here.first().map(|e| e.end) else {
                units.push(words[i].clone_unit());
                i += 1;
                continue;
            };
            // A glossary entry of several words is a concept: written as a phrase it is the
            // reader's own match; its words apart match only as well as its translation does.
            let full = words[i..end].iter().map(|u| u.full.box_clone()).collect();
            let together = self.together(&run[i..end]);
            let apart = Box::new(BoostQuery::new(
                at_least(full, usize::MAX),
                TRANSLATION_BOOST,
            ));
            // (The phrase needs no alternative of its own: the words apart find it, and the
            // proximity boost scores it.)
            let mut alternatives: Vec<Box<dyn Query>> = vec![apart];
            for e in here {
                let q = self.translation(&e.phrase, e.lang, &run[i..end].join(" "));
                for check in self.checks.iter_mut().skip(first_check + i).take(end - i) {
                    check.translated.push(q.box_clone());
                }
                alternatives.push(q);
            }
            units.push(Unit {
                full: Box::new(BooleanQuery::union(alternatives)),
                direct: together.box_clone(),
                native: together,
                optional: false,
                alternatives: true,
            });
            i = end;
        }
        run.clear();
    }
}
