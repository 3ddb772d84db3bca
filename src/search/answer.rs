//! The answer stage: the passage of the best hits that answers the query, when one clearly does.
//!
//! After the hits are ranked (first page, relevance order, not while typing), the stored text of
//! the first [`ANSWER_HITS`] hits with every word is cut into passages ([`passage`]: paragraphs
//! and short sections under their heading, at most 80 words, cut at sentences; for a paged
//! document only the hit's page). Each is scored ([`score`]) by the query's content words it
//! holds (rarer words weigh more), those its heading holds, the answer-type cue the question's
//! words ask for, and the hit's rank. The best is shown only when it is confident: it holds
//! nearly every content word, the cue is there when the question asks for a kind of answer, and
//! it beats the best passage of any other document by a wide margin and of another section of
//! its own document by a narrow one. A wrong answer box is worse than none, so
//! anything less gives `None`. Nothing is generated: the passage is the document's own words.

mod passage;
mod score;

use serde::Serialize;
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::pages::page_text;
use super::Hit;
use crate::error::Result;
use crate::query::{question, Highlight};
use crate::schema::Fields;
use crate::snippet::{self, Snippet};
use passage::{collapse, passages, Passage};
use score::{cue, Asked};

/// Hits whose passages compete for the answer.
const ANSWER_HITS: usize = 3;
/// Share of the content words' weight a passage and its heading must hold together.
const MIN_COVERAGE: f32 = 0.8;
/// Share the passage itself must hold.
const MIN_OWN_COVERAGE: f32 = 0.3;
/// How much the best passage must score above the best one of another document: quoting the
/// wrong document is the worst mistake the box can make.
const MARGIN: f32 = 0.15;
/// How much it must score above the best one of another section of its own document (where a
/// near miss still links into the right document).
const SECTION_MARGIN: f32 = 0.05;
/// The first hit must lead the second by this much (the second's score at most this share of the
/// first's): when the ranking barely prefers it, or prefers it by its tier against a higher score,
/// which document answers is in doubt, and so is the box.
const LEAD: f32 = 0.9;
/// The weight of the heading's words, of the answer-type cue, and the cost of a lower hit rank.
const HEADING_WEIGHT: f32 = 0.3;
const CUE_WEIGHT: f32 = 0.4;
const RANK_COST: f32 = 0.1;
/// The cost of each word of a passage, so that of two passages with the same words the shorter
/// (the paragraph, not the paragraph and the next) wins.
const WORD_COST: f32 = 0.002;

/// A passage that answers the query.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    pub id: String,
    pub title: String,
    /// The document's language (`da`, `en`): the title's.
    #[serde(skip)]
    pub title_lang: String,
    /// The passage's language (`da`, `en`).
    pub lang: &'static str,
    /// The physical page (from 1) of a paged document.
    pub page: Option<u32>,
    /// The heading it sits under.
    pub heading: Option<String>,
    /// That heading's anchor on the document page ([`crate::sections`]).
    #[serde(skip)]
    pub section: Option<String>,
    /// The passage, word for word, whitespace normalised.
    pub text: String,
    /// The same with the query's words marked.
    #[serde(skip)]
    pub marked: Snippet,
}

/// One document's text, where its content words are ([`Asked::marks`]), and the content words
/// of each of its headings.
struct Found<'a> {
    body: &'a str,
    marks: Vec<(usize, u64)>,
    under: Vec<u64>,
}

impl<'a> Found<'a> {
    /// The passages of `body` (of its page `page`, for a paged document), their headings, and
    /// where the query's content words are in them.
    fn of(asked: &Asked, body: &'a str, page: Option<u32>) -> (Found<'a>, Vec<Passage>, Headings) {
        let within = match page {
            Some(n) => {
                let (page, start) = page_text(body, n);
                start..start + page.len()
            }
            None => 0..body.len(),
        };
        let marks = asked.marks(body, within.clone());
        let (passages, headings) = passages(body, within);
        let under = headings
            .iter()
            .map(|h| h.as_ref().map_or(0, |h| asked.found_in(&h.text)))
            .collect();
        let found = Found { body, marks, under };
        (found, passages, headings)
    }

    /// The content words `passage` holds, and those of the heading it sits under.
    fn held(&self, passage: &Passage) -> (u64, u64) {
        let (from, to) = (passage.range.start, passage.range.end);
        let first = self.marks.partition_point(|&(at, _)| at < from);
        let own = self.marks[first..]
            .iter()
            .take_while(|&&(at, _)| at < to)
            .fold(0, |all, &(_, bits)| all | bits);
        (own, self.under[passage.section])
    }
}

/// The headings of a document's passages ([`passages`]).
type Headings = Vec<Option<passage::Heading>>;

/// For each hit (at `addresses`), the share of the query's content words' weight that its best
/// passage holds with the heading it sits under and the document's title (for a paged document,
/// on the hit's page): 1 for every hit when the query has no content word to weigh.
pub(super) fn best_shares(
    searcher: &Searcher,
    f: &Fields,
    query: &str,
    addresses: &[DocAddress],
    hits: &[Hit],
) -> Result<Vec<f32>> {
    let asked = Asked::of(query, searcher, f);
    let total = asked.total_weight();
    if asked.words.is_empty() || asked.words.len() > 64 || total <= 0.0 {
        return Ok(vec![1.0; hits.len()]);
    }
    let mut shares = Vec::with_capacity(hits.len());
    for (hit, &address) in hits.iter().zip(addresses) {
        let doc: TantivyDocument = searcher.doc(address)?;
        let body = doc
            .get_first(f.body)
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        let (found, passages, _) = Found::of(&asked, body, hit.page);
        // The title is the heading above every passage (and all a text without passages has).
        let title = asked.found_in(&hit.title);
        let best = passages
            .iter()
            .map(|p| {
                let (own, under) = found.held(p);
                asked.weight_of(own | under | title) / total
            })
            .fold(asked.weight_of(title) / total, f32::max);
        shares.push(best);
    }
    Ok(shares)
}

/// A scored passage of one hit.
struct Candidate {
    /// The document, by its place among those read.
    doc: usize,
    passage: Passage,
    score: f32,
    confident: bool,
}

/// The answer to `query` from `hits` (at `addresses`), or `None` when no passage clearly is one;
/// `reader` is the language the query is read in, when it tells one.
pub(super) fn find(
    searcher: &Searcher,
    f: &Fields,
    query: &str,
    reader: Option<&str>,
    highlight: &Highlight,
    addresses: &[DocAddress],
    hits: &[Hit],
) -> Result<Option<Answer>> {
    let asked = Asked::of(query, searcher, f);
    if asked.words.is_empty() || asked.words.len() > 64 || !leads(hits) {
        return Ok(None);
    }
    let shortlist = hits.iter().zip(addresses).take(ANSWER_HITS);
    let mut docs = Vec::new();
    // A hit that lacks a word of the query answers it only if the word is a question word
    // (`hvornår` is in no answer).
    let whole = |hit: &&Hit| {
        hit.missing
            .iter()
            .all(|w| question::is_any_question_word(w))
    };
    // The answer is in the reader's language, when the query tells it.
    let reader = |hit: &&Hit| reader.is_none_or(|lang| hit.lang == lang);
    for (rank, (hit, &address)) in shortlist.enumerate() {
        if whole(&hit) && reader(&hit) {
            let doc: TantivyDocument = searcher.doc(address)?;
            docs.push((rank, hit, doc));
        }
    }
    let mut read = Vec::new();
    let mut candidates = Vec::new();
    for &(rank, hit, ref doc) in &docs {
        let body = doc
            .get_first(f.body)
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        let (found, passages, headings) = Found::of(&asked, body, hit.page);
        for passage in passages {
            candidates.push(judge(&asked, &found, passage, read.len(), rank));
        }
        read.push((hit, body, headings));
    }
    let first = docs.iter().position(|&(rank, _, _)| rank == 0);
    let Some(best) = clear_winner(&candidates, first) else {
        return Ok(None);
    };
    let (hit, body, headings) = &read[best.doc];
    Ok(Some(answer(hit, body, headings, &best.passage, highlight)))
}

/// Whether the first hit leads the second clearly ([`LEAD`]); a lone hit does.
fn leads(hits: &[Hit]) -> bool {
    match hits {
        [first, second, ..] => second.score <= LEAD * first.score,
        _ => true,
    }
}

/// The best candidate, if it is confident, is in the first hit (`first`: its document's index
/// among the candidates' documents, if it was read) and wins clearly: by [`MARGIN`] over every
/// passage of another document and by [`SECTION_MARGIN`] over every other section of its own.
/// The box quotes the first hit or nothing: a passage of a lower hit that outscores the first
/// says the ranking below the box is wrong about the question, and then either may be.
fn clear_winner(candidates: &[Candidate], first: Option<usize>) -> Option<&Candidate> {
    let best = candidates
        .iter()
        .max_by(|a, b| a.score.total_cmp(&b.score))?;
    let clear = candidates.iter().all(|c| {
        let margin = match (c.doc == best.doc, c.passage.section == best.passage.section) {
            (true, true) => return true,
            (true, false) => SECTION_MARGIN,
            (false, _) => MARGIN,
        };
        best.score - c.score >= margin
    });
    (best.confident && clear && first == Some(best.doc)).then_some(best)
}

/// A passage's score, and whether it is good enough on its own to be shown.
fn judge(asked: &Asked, found: &Found, passage: Passage, doc: usize, rank: usize) -> Candidate {
    let text = &found.body[passage.range.clone()];
    let total = asked.total_weight();
    let (own, under) = found.held(&passage);
    let own_share = asked.weight_of(own) / total;
    let coverage = asked.weight_of(own | under) / total;
    let heading_share = asked.weight_of(under) / total;
    let cue = asked.kind.map_or(0.0, |kind| cue(kind, text, asked));
    let score =
        0.5 * own_share + 0.5 * coverage + HEADING_WEIGHT * heading_share + CUE_WEIGHT * cue
            - RANK_COST * rank as f32
            - WORD_COST * passage.words as f32;
    let confident = coverage >= MIN_COVERAGE
        && own_share >= MIN_OWN_COVERAGE
        && (asked.kind.is_none() || cue >= 0.5);
    Candidate {
        doc,
        passage,
        score,
        confident,
    }
}

/// The answer as shown: the passage quoted, its words marked, its page, heading and language.
fn answer(
    hit: &Hit,
    body: &str,
    headings: &[Option<passage::Heading>],
    passage: &Passage,
    highlight: &Highlight,
) -> Answer {
    let raw = &body[passage.range.clone()];
    let text = collapse(raw);
    let doc_lang = hit.lang.parse().unwrap_or(crate::lang::Lang::Da);
    let heading = headings[passage.section].as_ref();
    Answer {
        id: hit.id.clone(),
        title: hit.title.clone(),
        title_lang: hit.lang.clone(),
        lang: crate::lang::language_of_paragraph(raw, doc_lang).code(),
        page: hit
            .page
            .map(|_| crate::text::page_at(body, passage.range.start)),
        heading: heading.map(|h| h.text.clone()),
        section: heading
            .and_then(|_| crate::sections::section_at(body, passage.range.start))
            .map(|s| s.anchor),
        marked: snippet::highlight_all(&text, highlight),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(doc: usize, section: usize, score: f32, confident: bool) -> Candidate {
        Candidate {
            doc,
            passage: Passage {
                range: 0..1,
                words: 1,
                section,
            },
            score,
            confident,
        }
    }

    #[test]
    fn the_box_needs_a_first_hit_that_leads_the_second() {
        let hits = |scores: &[f32]| -> Vec<Hit> {
            let ids = ["da/a", "da/b", "da/c"];
            ids.iter()
                .zip(scores)
                .map(|(id, &s)| crate::search::present::test_hit(id, s))
                .collect()
        };
        assert!(leads(&hits(&[10.0])));
        assert!(leads(&hits(&[10.0, 8.9, 8.8])));
        assert!(!leads(&hits(&[10.0, 9.5])));
        // Ranked first by its tier, with a lower score than the second's.
        assert!(!leads(&hits(&[10.0, 14.0])));
    }

    #[test]
    fn only_a_confident_clear_winner_is_shown() {
        let best = || candidate(0, 1, 1.0, true);
        // Alone, or with passages of its own section close behind.
        assert!(clear_winner(&[best()], Some(0)).is_some());
        assert!(clear_winner(&[best(), candidate(0, 1, 0.99, true)], Some(0)).is_some());
        // Another section of its document needs only the narrow margin.
        assert!(clear_winner(
            &[best(), candidate(0, 2, 0.999 - SECTION_MARGIN, true)],
            Some(0)
        )
        .is_some());
        assert!(clear_winner(&[best(), candidate(0, 2, 0.99, true)], Some(0)).is_none());
        // Another document needs the wide one.
        assert!(clear_winner(&[best(), candidate(1, 1, 0.999 - MARGIN, false)], Some(0)).is_some());
        assert!(clear_winner(
            &[best(), candidate(1, 1, 1.0 - SECTION_MARGIN, false)],
            Some(0)
        )
        .is_none());
        // Not confident: nothing, however clear.
        assert!(clear_winner(&[candidate(0, 1, 1.0, false)], Some(0)).is_none());
        assert!(clear_winner(&[], Some(0)).is_none());
        // A clear winner in a lower hit, or with the first hit unread (not in the reader's
        // language, or lacking words): nothing.
        assert!(clear_winner(&[best()], Some(1)).is_none());
        assert!(clear_winner(&[best()], None).is_none());
    }
}
