//! One word's alternatives: its glossary translations, its exact spellings (both spellings of
//! `å`, its forms as typed), its folded view, compound parts and close spellings.

use tantivy::query::{BooleanQuery, BoostQuery, Query};

use super::builder::*;
use super::terms::*;
use super::*;
use crate::analysis::{self, Analyzer};
use crate::compound::MIN_PART_CHARS;
use crate::glossary::Glossary;
use crate::lang::Lang;
use crate::schema::TermField;

impl Builder<'_> {
    /// The glossary's translations of `words` out of the reader's language: a query read as
    /// English is not translated as if it were Danish (`offer`, a Danish "victim"; `motion`,
    /// Danish "exercise"), nor the other way round.
    /// The editors' synonyms are searched in the reader's language too.
    pub(super) fn translations(&self, words: &[String]) -> Vec<crate::glossary::Expansion> {
        let mut found = Glossary::global().expand(words);
        found.extend(self.editorial.map(|e| e.expand(words)).unwrap_or_default());
        found.retain(|e| match self.reader {
            _ if e.synonym => true,
            // A false friend only when the query's language is known (`barn` alone may be
            // English).
            None => !e.false_friend,
            Some(reader) => e.lang != reader,
        });
        found
    }

    /// A word with its single-word glossary translations as alternatives.
    pub(super) fn translated_word(&mut self, lower: &str, expand: bool) -> Unit {
        let unit = self.word(lower);
        if !expand || unit.optional {
            return unit;
        }
        let translations: Vec<Box<dyn Query>> = self
            .translations(&[lower.to_string()])
            .into_iter()
            .map(|e| self.translation(&e.phrase, e.lang, lower))
            .collect();
        if translations.is_empty() {
            return unit;
        }
        if let Some(check) = self.checks.last_mut() {
            check
                .translated
                .extend(translations.iter().map(|q| q.box_clone()));
        }
        let mut alternatives = vec![unit.full];
        alternatives.extend(translations);
        Unit {
            full: Box::new(BooleanQuery::union(alternatives)),
            direct: unit.direct,
            native: unit.native,
            optional: false,
            alternatives: true,
        }
    }

    /// The query for a glossary translation, recorded for "Also searched" and highlighting.
    pub(super) fn translation(&mut self, phrase: &str, lang: Lang, from: &str) -> Box<dyn Query> {
        let words: Vec<String> = phrase.split(' ').map(str::to_string).collect();
        for w in &words {
            self.highlight_in(w, lang);
        }
        let used = UsedExpansion {
            phrase: phrase.to_string(),
            lang,
            from: from.to_string(),
        };
        if !self.expansions.iter().any(|(known, _)| *known == used) {
            // What names the translation in "Also searched": the words themselves, not a
            // compound that holds them (`samfund` inside `civilsamfund`).
            let itself: Box<dyn Query> = Box::new(BooleanQuery::union(vec![
                self.phrase(TermField::Title(lang), &words, 0, 1.0),
                self.phrase(TermField::Body(lang), &words, 0, 1.0),
            ]));
            self.expansions.push((used, itself));
        }
        Box::new(BoostQuery::new(
            self.in_language(&words, lang),
            TRANSLATION_BOOST,
        ))
    }

    /// Adds one alternative of a word: a query in `lang`'s fields (`None`: fields of both), the
    /// reader's own spelling when `own`.
    pub(super) fn alternative(
        &self,
        to: &mut Alternatives,
        q: Box<dyn Query>,
        lang: Option<Lang>,
        own: bool,
    ) {
        if self.native(lang) {
            if own {
                to.direct.push(q.box_clone());
            }
            to.native.push(q.box_clone());
        }
        to.all.push(q);
    }

    /// A single word in every field, with its fallbacks.
    pub(super) fn word(&mut self, lower: &str) -> Unit {
        let quiet = self.content && analysis::is_stop_word(lower);
        let marked = quiet.then(|| self.highlight.clone());
        let unit = self.word_unit(lower);
        if let Some(marked) = marked {
            self.highlight = marked;
        }
        unit
    }

    pub(super) fn word_unit(&mut self, lower: &str) -> Unit {
        self.highlight.add_word(lower);
        let mut to = Alternatives::default();
        let (exact, in_bodies) = self.exact_spellings(lower, &mut to);
        let fold_df = self.folded_spellings(lower, in_bodies, &mut to);
        let chars = lower.chars().count();
        if chars >= MIN_PART_CHARS && self.df(TermField::Parts, lower) > 0 {
            let q = self.term(TermField::Parts, lower, PARTS_BOOST);
            self.alternative(&mut to, q, TermField::Parts.lang(), false);
        }
        // Close spellings only for a word no document holds; they are told apart from the word
        // itself, for what a hit says of how it matched.
        let mut spelt = Alternatives::default();
        if chars >= 5 && !lower.chars().any(|c| c.is_ascii_digit()) && exact + fold_df == 0 {
            self.close_spellings(lower, &mut spelt);
            if let Some(parts) = self.decompound(lower) {
                let q = Box::new(BoostQuery::new(parts, PARTS_BOOST));
                self.alternative(&mut to, q, Some(Lang::Da), false);
            }
        }
        let optional = analysis::is_stop_word(lower);
        let mut check = WordCheck::new(lower, optional, clones(&to.all));
        check.close = clones(&spelt.all);
        self.checks.push(check);
        to.absorb(spelt);
        to.into_unit(optional)
    }

    /// The word in the language fields, in either spelling of `å`, its forms as typed scoring
    /// above other inflections; returns the documents with it in any field and in a body
    /// (frequencies summed over fields).
    pub(super) fn exact_spellings(&mut self, lower: &str, to: &mut Alternatives) -> (u64, u64) {
        for field in TermField::LANGUAGE {
            let q = self.term(field, lower, weight(field));
            self.alternative(to, q, field.lang(), true);
        }
        // `aa` and `å` are one letter in Danish spelling (`Aarhus`, `Århus`; `Aalborg`): the
        // other spelling is the same word, in the same tier, not a lossy fold.
        let aa = analysis::aa_spelling(lower);
        // The word as typed (in either spelling) scores above its other inflections: not a
        // tier of its own, as the stems above already find it.
        if !analysis::is_stop_word(lower) {
            for form in std::iter::once(lower).chain(aa.as_deref()) {
                to.scoring
                    .push(self.term(TermField::Forms, form, FORM_BOOST));
                let in_title = analysis::title_form(form);
                to.scoring
                    .push(self.raw(TermField::Forms, &in_title, FORM_BOOST * TITLE_BOOST));
            }
        }
        let body = |lang| TermField::Body(lang);
        let mut in_bodies = self.df(body(Lang::Da), lower) + self.df(body(Lang::En), lower);
        let mut exact = in_bodies
            + self.df(TermField::Title(Lang::Da), lower)
            + self.df(TermField::Title(Lang::En), lower);
        if let Some(other) = &aa {
            self.highlight.add_spelling(other);
            for field in TermField::LANGUAGE {
                let n = self.df(field, other);
                if n > 0 {
                    let q = self.term(field, other, weight(field));
                    self.alternative(to, q, field.lang(), true);
                    exact += n;
                    if matches!(field, TermField::Body(_)) {
                        in_bodies += n;
                    }
                }
            }
        }
        (exact, in_bodies)
    }

    /// The word's folded view, where it reaches documents the exact terms may not, and its
    /// ASCII spelling in the exact fields; returns the documents with the folded term.
    pub(super) fn folded_spellings(
        &mut self,
        lower: &str,
        in_bodies: u64,
        to: &mut Alternatives,
    ) -> u64 {
        let fold = Analyzer::Fold.term(lower);
        let fold_df: u64 = TermField::FOLDED_VIEW
            .iter()
            .map(|&field| self.raw_df_in(field, &fold))
            .sum();
        // The folded view reaches documents the exact terms may not only through `Fold` and the
        // language fields whose own term for the word is not the folded one.
        let mut reach = self.raw_df_in(TermField::Fold, &fold);
        for field in TermField::LANGUAGE {
            if field.analyzer().term(lower) != fold {
                reach += self.raw_df_in(field, &fold);
            }
        }
        // The folded term finds `København` for `kobenhavn`. When what only it can reach is
        // rarer than the exact terms and the word has nothing to fold, it would mostly add
        // inflections of common words (`sorter` to `sort`) and work.
        if analysis::respelled(lower) || (reach > 0 && reach >= in_bodies) {
            // One term query per field rather than a `FoldQuery`: tantivy can skip blocks of a
            // union of plain term queries (block-max WAND) but not of a custom scorer, and a
            // known word's folded view mostly lies in fields its exact terms search already.
            for field in TermField::FOLDED_VIEW {
                let q = self.raw(field, &fold, FOLD_BOOST);
                self.alternative(to, q, field.lang(), false);
            }
        }
        // The other way round: a query with Danish letters also finds documents that spell the
        // word in ASCII (`ældre` → `aeldre`), by its folded spelling in the exact fields.
        if analysis::respelled(lower) {
            let ascii = analysis::fold(lower);
            if ascii != lower {
                for field in [TermField::Body(Lang::Da), TermField::Body(Lang::En)] {
                    if self.df(field, &ascii) > 0 {
                        let q = self.term(field, &ascii, FOLD_BOOST);
                        self.alternative(to, q, field.lang(), false);
                    }
                }
            }
        }
        fold_df
    }

    /// Close spellings of a word that is in no field: 1 edit from 5 letters, 2 from 9, in each
    /// language's body (and title) and in the folded view; and the parts of a compound the index
    /// lacks.
    pub(super) fn close_spellings(&mut self, lower: &str, to: &mut Alternatives) {
        let distance: u8 = if lower.chars().count() >= 9 { 2 } else { 1 };
        // One automaton per distinct term: building one for two edits is the costly part.
        let mut automata: Vec<(String, levenshtein_automata::DFA)> = Vec::new();
        for field in [
            TermField::Body(Lang::Da),
            TermField::Body(Lang::En),
            TermField::Fold,
        ] {
            let stem = field.analyzer().term(lower);
            if !automata.iter().any(|(s, _)| *s == stem) {
                let dfa = typo::automaton(&stem, distance);
                automata.push((stem.clone(), dfa));
            }
            let Some((_, dfa)) = automata.iter().find(|(s, _)| *s == stem) else {
                continue;
            };
            let close = |in_field: TermField| {
                let field = self.fields.get(in_field);
                let keep = |t: &str| self.visible(field, t);
                typo::close_terms(self.searcher, field, (dfa, &stem, distance), keep)
            };
            let Some(lang) = field.lang() else {
                // Folded spellings are in `Fold` and, where they equal the language term, in the
                // language fields: close ones are looked for in all, and scored as one field
                // (`FoldQuery`).
                let mut candidates: Vec<String> = Vec::new();
                for in_field in [
                    TermField::Fold,
                    TermField::Body(Lang::Da),
                    TermField::Body(Lang::En),
                ] {
                    for c in close(in_field) {
                        if !candidates.contains(&c) {
                            candidates.push(c);
                        }
                    }
                }
                for candidate in candidates {
                    let q = self.folded(&candidate, FUZZY_BOOST);
                    self.alternative(to, q, None, false);
                    self.highlight.fold.insert(candidate);
                }
                continue;
            };
            for candidate in close(field) {
                let title = TermField::Title(lang);
                let in_body = self.raw(field, &candidate, FUZZY_BOOST);
                let in_title = self.raw(title, &candidate, FUZZY_BOOST * TITLE_BOOST);
                self.alternative(to, in_body, Some(lang), false);
                self.alternative(to, in_title, Some(lang), false);
                self.highlight.insert(lang, candidate);
            }
        }
    }
}
