//! Passages of a stored text, the candidates for an answer: each paragraph under its heading,
//! a long paragraph cut at sentence boundaries into pieces of at most [`MAX_WORDS`] words, and
//! runs of consecutive paragraphs of one section that fit in [`MAX_WORDS`] together (a short
//! section, a list of steps). A passage is a byte range of the text, so what is shown is the
//! document's own words.

use std::ops::Range;

use crate::analysis::words;

/// The most words a passage has.
pub const MAX_WORDS: usize = 80;

/// The heading a passage sits under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// Its number among the text's headings, from 1, in order (the document page's anchor).
    pub number: usize,
    /// Its text, without the marks.
    pub text: String,
}

/// One candidate passage: a byte range of the text and the heading above it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    pub range: Range<usize>,
    pub words: usize,
    /// Index into the list of headings of [`passages`] (the same for passages of one section).
    pub section: usize,
}

/// A paragraph of the text: its trimmed byte range and word count.
struct Paragraph {
    range: Range<usize>,
    words: usize,
}

/// The passages of `text[within]` and the headings they sit under (`None` for the text before
/// the first heading). Headings before `within` are counted, so each heading's number is its
/// number in the whole text.
pub fn passages(text: &str, within: Range<usize>) -> (Vec<Passage>, Vec<Option<Heading>>) {
    let (mut number, mut heading) = (0, None);
    for range in paragraph_ranges(&text[..within.start], 0) {
        if let Some((_, h)) = crate::text::heading(&text[range]) {
            number += 1;
            heading = Some(Heading {
                number,
                text: collapse(h),
            });
        }
    }
    let mut headings = vec![heading];
    let mut sections: Vec<Vec<Paragraph>> = vec![Vec::new()];
    for range in paragraph_ranges(&text[within.clone()], within.start) {
        let paragraph = &text[range.clone()];
        if let Some((_, h)) = crate::text::heading(paragraph) {
            number += 1;
            headings.push(Some(Heading {
                number,
                text: collapse(h),
            }));
            sections.push(Vec::new());
            continue;
        }
        let words = words(paragraph).count();
        if words > 0 {
            if let Some(section) = sections.last_mut() {
                section.push(Paragraph { range, words });
            }
        }
    }
    let mut out = Vec::new();
    for (section, paragraphs) in sections.iter().enumerate() {
        section_passages(text, paragraphs, section, &mut out);
    }
    (out, headings)
}

/// The passages of one section's paragraphs.
fn section_passages(text: &str, paragraphs: &[Paragraph], section: usize, out: &mut Vec<Passage>) {
    for (i, p) in paragraphs.iter().enumerate() {
        if p.words > MAX_WORDS {
            for range in sentence_pieces(text, p.range.clone()) {
                let words = words(&text[range.clone()]).count();
                out.push(Passage {
                    range,
                    words,
                    section,
                });
            }
            continue;
        }
        // This paragraph, and it with those that follow while they fit.
        let mut words = 0;
        for q in paragraphs[i..].iter().take_while(|q| q.words <= MAX_WORDS) {
            words += q.words;
            if words > MAX_WORDS {
                break;
            }
            out.push(Passage {
                range: p.range.start..q.range.end,
                words,
                section,
            });
        }
    }
}

/// The byte ranges (offset by `base`) of the paragraphs of `text`: runs between blank lines,
/// trimmed, page breaks left out.
fn paragraph_ranges(text: &str, base: usize) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = 0;
    text.split("\n\n").filter_map(move |piece| {
        let start = at;
        at += piece.len() + 2;
        let trimmed = piece.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{c}');
        let lead = piece.len() - trimmed.len();
        let trimmed = trimmed.trim_end();
        (!trimmed.is_empty()).then(|| base + start + lead..base + start + lead + trimmed.len())
    })
}

/// A long paragraph as pieces of whole sentences of at most [`MAX_WORDS`] words, one starting
/// at each sentence (a sentence longer than that is cut after [`MAX_WORDS`] words).
fn sentence_pieces(text: &str, paragraph: Range<usize>) -> Vec<Range<usize>> {
    let body = &text[paragraph.clone()];
    let mut ends: Vec<usize> = body
        .char_indices()
        .zip(body.chars().skip(1))
        .filter(|((_, c), next)| matches!(c, '.' | '!' | '?' | ':') && next.is_whitespace())
        .map(|((i, c), _)| i + c.len_utf8())
        .collect();
    if ends.last() != Some(&body.len()) {
        ends.push(body.len());
    }
    // Each sentence's byte range and word count.
    let mut sentences = Vec::new();
    let mut from = 0;
    for end in ends {
        let start = from + (body[from..end].len() - body[from..end].trim_start().len());
        if start < end {
            sentences.push((start..end, words(&body[start..end]).count()));
        }
        from = end;
    }
    let mut pieces = Vec::new();
    for i in 0..sentences.len() {
        let (mut end, mut count) = (sentences[i].0.start, 0);
        for (range, n) in &sentences[i..] {
            if count + n > MAX_WORDS {
                break;
            }
            (end, count) = (range.end, count + n);
        }
        if count == 0 {
            // One sentence longer than a passage: its first words.
            let start = sentences[i].0.start;
            end = words(&body[start..])
                .nth(MAX_WORDS - 1)
                .map_or(sentences[i].0.end, |(_, e)| start + e);
        }
        pieces.push(paragraph.start + sentences[i].0.start..paragraph.start + end);
    }
    pieces
}

/// `text` with every run of whitespace one space, trimmed: how a passage is quoted.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<(String, Option<String>)> {
        let (passages, headings) = passages(text, 0..text.len());
        passages
            .iter()
            .map(|p| {
                let heading = headings[p.section].as_ref().map(|h| h.text.clone());
                (collapse(&text[p.range.clone()]), heading)
            })
            .collect()
    }

    #[test]
    fn paragraphs_sit_under_their_heading_and_short_runs_join() {
        let text =
            "Indledning.\n\n## Sådan sletter du\n\nKlik her.\n\nTryk på Slet.\n\n# Andet\n\nSlut.";
        let got = texts(text);
        let under = |h: &str| Some(h.to_string());
        assert_eq!(
            got,
            vec![
                ("Indledning.".into(), None),
                ("Klik her.".into(), under("Sådan sletter du")),
                ("Klik her. Tryk på Slet.".into(), under("Sådan sletter du")),
                ("Tryk på Slet.".into(), under("Sådan sletter du")),
                ("Slut.".into(), under("Andet")),
            ]
        );
    }

    #[test]
    fn a_long_paragraph_is_cut_at_sentences_within_the_word_limit() {
        let sentence = "Dette er en sætning med præcis ti ord i alt. ";
        let text = sentence.repeat(12);
        let got = texts(&text);
        assert!(got.len() >= 2, "{got:?}");
        for (passage, _) in &got {
            let n = words(passage).count();
            assert!(n <= MAX_WORDS && n.is_multiple_of(10), "{n}: {passage}");
            assert!(passage.ends_with('.'), "{passage}");
            assert!(text.contains(passage.as_str()));
        }
        assert_eq!(words(&got[0].0).count(), MAX_WORDS);
    }

    #[test]
    fn a_sentence_longer_than_a_passage_is_cut_at_a_word() {
        let text = "ord ".repeat(200);
        let got = texts(&text);
        assert_eq!(words(&got[0].0).count(), MAX_WORDS);
    }

    #[test]
    fn headings_before_the_range_are_counted_and_the_last_one_applies() {
        let text = format!(
            "# En\n\nTekst.{}## To\n\nMere.{}Side tre.",
            crate::text::PAGE_BREAK,
            crate::text::PAGE_BREAK
        );
        let start = text.rfind("Side").expect("page three");
        let (passages, headings) = passages(&text, start..text.len());
        assert_eq!(passages.len(), 1);
        assert_eq!(
            headings[passages[0].section],
            Some(Heading {
                number: 2,
                text: "To".into()
            })
        );
    }
}
