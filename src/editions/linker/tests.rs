//! The linker's rules: guards, one edition each, order independence, hand-made choices, removal.

use super::*;

/// The threshold for the synthetic texts below: a few glossary words each, they score lower than
/// real translations, and these tests are about the rules, not about where the line is (the
/// integration tests run the default on real help pages and on same-subject non-translations).
const SYNTHETIC: f32 = 0.15;

fn linker() -> Linker {
    Linker::with_threshold(SYNTHETIC)
}

/// Glossary pairs: each topic's subject, in Danish and English.
const SUBJECTS: [(&str, &str); 12] = [
    ("ensomhed", "loneliness"),
    ("radikalisering", "radicalisation"),
    ("korruption", "corruption"),
    ("nærdemokrati", "local democracy"),
    ("digitalisering", "digitisation"),
    ("ældrepleje", "elderly care"),
    ("forebyggelse", "prevention"),
    ("kriminalitet", "crime"),
    ("ekstremisme", "extremism"),
    ("medborgerskab", "citizenship"),
    ("velfærd", "welfare"),
    ("gennemsigtighed", "transparency"),
];

/// A Danish or English edition of a made-up action plan: the glossary's words, a subject, a
/// place, a code and numbers of its own (`topic`), and `extra` paragraphs of filler.
fn edition(lang: Lang, topic: u32, year: u16, extra: usize) -> Signature {
    let code = format!("KL{}", 100 + topic);
    let (n1, n2) = (1000 + 37 * topic, 50 + topic);
    let place = [
        "Aarhus",
        "Odense",
        "Aalborg",
        "Esbjerg",
        "Randers",
        "Kolding",
        "Horsens",
        "Vejle",
        "Roskilde",
        "Herning",
        "Silkeborg",
        "Næstved",
    ][topic as usize % 12];
    let (da_subject, en_subject) = SUBJECTS[topic as usize % 12];
    let (title, body, filler) = match lang {
        Lang::Da => (
            format!("Handlingsplan {year} for {da_subject} i {place}"),
            format!(
                "# Handlingsplan {year} for {da_subject} i {place}\n\nKommunen og \
                 civilsamfundet i {place} samarbejder om {da_subject} ({code}): {n1} frivillige \
                 og {n2} foreninger.\n\n## Mål\n\nBorgerinddragelse, åbenhed og evaluering af \
                 {code} i {year}. Se www.{place}.dk/{code}."
            ),
            format!("Om {da_subject} i {place} siden {n2}: {code}."),
        ),
        Lang::En => (
            format!("Action plan {year} for {en_subject} in {place}"),
            format!(
                "# Action plan {year} for {en_subject} in {place}\n\nThe municipality and \
                 civil society of {place} cooperate on {en_subject} ({code}): {n1} volunteers \
                 and {n2} associations.\n\n## Goals\n\nCitizen participation, openness and \
                 evaluation of {code} in {year}. See www.{place}.dk/{code}."
            ),
            format!("On {en_subject} in {place} since {n2}: {code}."),
        ),
    };
    let text = std::iter::once(body)
        .chain(std::iter::repeat_n(filler, extra))
        .collect::<Vec<_>>()
        .join("\n\n");
    Signature::new(&title, &text, lang, 0)
}

fn linked(a: &str, b: &str) -> Change {
    Change::Linked(a.into(), b.into())
}

fn unlinked(a: &str, b: &str) -> Change {
    Change::Unlinked(a.into(), b.into())
}

fn pairs(linker: &Linker) -> Vec<(String, String)> {
    linker.links().into_iter().map(|l| (l.a, l.b)).collect()
}

fn p(a: &str, b: &str) -> (String, String) {
    (a.into(), b.into())
}

/// Six topics in both languages.
fn collection() -> Vec<(String, Signature)> {
    (0..6)
        .flat_map(|t| {
            [
                (format!("da/{t}"), edition(Lang::Da, t, 2020, 0)),
                (format!("en/{t}"), edition(Lang::En, t, 2020, 0)),
            ]
        })
        .collect()
}

#[test]
fn links_each_text_to_its_translation() {
    let mut linker = linker();
    let changes = linker.add_all(collection());
    let expected: Vec<_> = (0..6)
        .map(|t| p(&format!("da/{t}"), &format!("en/{t}")))
        .collect();
    assert_eq!(pairs(&linker), expected);
    assert_eq!(changes.len(), 6);
    assert!(linker
        .links()
        .iter()
        .all(|l| l.score.is_some_and(|s| s >= SYNTHETIC)));
    assert_eq!(linker.partner("en/3"), Some("da/3"));
}

#[test]
fn never_links_one_language() {
    let mut linker = linker();
    linker.add_all(collection());
    // An identical copy of a Danish text is no edition of it.
    let copy = edition(Lang::Da, 9, 2020, 0);
    let changes = linker.add_all(vec![("da/9".into(), copy.clone()), ("da/9b".into(), copy)]);
    assert_eq!(changes, []);
    assert_eq!(linker.partner("da/9"), None);
}

#[test]
fn one_edition_each() {
    let mut linker = linker();
    linker.add_all(collection());
    // A second English edition of topic 2, a little longer: it may take topic 2's place only
    // by scoring higher, and then the first one is unlinked, never both linked.
    linker.add("en/2b", edition(Lang::En, 2, 2020, 3));
    let to_da2: Vec<_> = linker
        .links()
        .into_iter()
        .filter(|l| l.a == "da/2")
        .collect();
    assert_eq!(to_da2.len(), 1, "{to_da2:?}");
    assert!(linker.partner("en/2").is_none() || linker.partner("en/2b").is_none());
}

/// An English edition of `topic` that lacks its numbers: a loose translation.
fn loose(topic: u32) -> Signature {
    let mut sig = edition(Lang::En, topic, 2020, 0);
    let numbers = [
        format!("={}", 1000 + 37 * topic),
        format!("={}", 50 + topic),
    ];
    sig.terms.retain(|(t, _)| !numbers.contains(t));
    sig
}

#[test]
fn a_better_edition_added_later_wins_and_frees_the_other() {
    let mut linker = linker();
    linker.add_all(collection());
    linker.add("da/7", edition(Lang::Da, 7, 2020, 0));
    assert_eq!(
        linker.add("en/7-loose", loose(7)),
        [linked("da/7", "en/7-loose")]
    );
    // The exact translation arrives and wins; the loose one is let go.
    assert_eq!(
        linker.add("en/7", edition(Lang::En, 7, 2020, 0)),
        [linked("da/7", "en/7"), unlinked("da/7", "en/7-loose")]
    );
}

#[test]
fn years_must_agree() {
    let mut linker = linker();
    linker.add_all(collection());
    // The 2024 successor of topic 8's 2019 plan, in English: not its translation.
    linker.add("da/8-2019", edition(Lang::Da, 8, 2019, 0));
    assert_eq!(linker.add("en/8-2024", edition(Lang::En, 8, 2024, 0)), []);
    assert_eq!(
        linker.add("en/8-2019", edition(Lang::En, 8, 2019, 0)),
        [linked("da/8-2019", "en/8-2019")]
    );
}

#[test]
fn adding_in_any_order_gives_the_batch_links() {
    let mut docs = collection();
    docs.push(("en/2b".into(), edition(Lang::En, 2, 2020, 3)));
    docs.push(("da/7".into(), edition(Lang::Da, 7, 2020, 0)));
    docs.push(("en/7-loose".into(), loose(7)));
    docs.push(("en/9".into(), edition(Lang::En, 9, 2020, 0)));
    let mut batch = linker();
    batch.add_all(docs.clone());
    let expected = pairs(&batch);
    for seed in 0..8u64 {
        // A fixed pseudo-random order per seed.
        let mut order: Vec<usize> = (0..docs.len()).collect();
        order.sort_by_key(|&i| (i as u64 + 1).wrapping_mul(0x9e37_79b9 + seed * 7919) % 1009);
        let mut linker = linker();
        for i in order {
            linker.add(&docs[i].0, docs[i].1.clone());
        }
        assert_eq!(pairs(&linker), expected, "seed {seed}");
    }
}

#[test]
fn hand_made_links_win_and_block_automatic_ones() {
    let mut linker = linker();
    linker.add_all(collection());
    // Pinning da/0 to en/1 undoes both their links; da/1 and en/0 are then free, but nothing
    // else fits them.
    let changes = linker.pin("da/0", "en/1");
    assert_eq!(
        changes,
        [
            linked("da/0", "en/1"),
            unlinked("da/0", "en/0"),
            unlinked("da/1", "en/1")
        ]
    );
    assert_eq!(
        linker
            .links()
            .iter()
            .find(|l| l.a == "da/0")
            .map(|l| l.score),
        Some(None)
    );
    // A pin to a document not added yet keeps its other document from automatic links.
    assert_eq!(linker.pin("da/2", "en/not-yet"), [unlinked("da/2", "en/2")]);
    assert_eq!(
        linker.add("en/not-yet", edition(Lang::En, 4, 1999, 0)),
        [linked("da/2", "en/not-yet")]
    );
    // A hand-made link of one language is the editor's call.
    assert_eq!(
        linker.pin("da/3", "da/4"),
        [
            linked("da/3", "da/4"),
            unlinked("da/3", "en/3"),
            unlinked("da/4", "en/4")
        ]
    );
    // Forgetting the pin lets the scores decide again.
    linker.forget("da/0", "en/1");
    assert_eq!(linker.partner("da/0"), Some("en/0"));
    assert_eq!(linker.partner("da/1"), Some("en/1"));
}

#[test]
fn hand_made_unlinking_wins() {
    let mut linker = linker();
    linker.add_all(collection());
    assert_eq!(linker.unpin("da/5", "en/5"), [unlinked("da/5", "en/5")]);
    // The pair stays apart when more documents come, and each may link elsewhere.
    assert_eq!(
        linker.add("en/5b", edition(Lang::En, 5, 2020, 1)),
        [linked("da/5", "en/5b")]
    );
    assert_eq!(linker.partner("en/5"), None);
    assert_eq!(
        linker.forget("da/5", "en/5"),
        [linked("da/5", "en/5"), unlinked("da/5", "en/5b")]
    );
}

#[test]
fn removal_frees_the_partner() {
    let mut linker = linker();
    linker.add_all(collection());
    linker.add("en/1b", edition(Lang::En, 1, 2020, 1));
    assert_eq!(linker.partner("da/1"), Some("en/1"));
    // The runner-up takes the place of a removed edition.
    assert_eq!(
        linker.remove("en/1"),
        [linked("da/1", "en/1b"), unlinked("da/1", "en/1")]
    );
    assert_eq!(linker.remove("en/1b"), [unlinked("da/1", "en/1b")]);
    assert_eq!(linker.partner("da/1"), None);
    assert_eq!(linker.len(), 11);
    assert_eq!(linker.remove("en/1b"), []);
}

#[test]
fn replacing_a_document_keeps_an_unchanged_link_quiet() {
    let mut linker = linker();
    linker.add_all(collection());
    assert_eq!(linker.add("en/4", edition(Lang::En, 4, 2020, 0)), []);
    assert_eq!(linker.partner("da/4"), Some("en/4"));
    assert_eq!(linker.len(), 12);
}

#[test]
fn a_tie_is_left_for_an_editor() {
    let mut linker = linker();
    linker.add_all(collection());
    linker.add("da/9", edition(Lang::Da, 9, 2020, 0));
    // Two identical English pages: either could be the translation, so neither is linked, and
    // both are offered as candidates.
    let copy = edition(Lang::En, 9, 2020, 0);
    linker.add("en/9a", copy.clone());
    assert_eq!(linker.add("en/9b", copy), [unlinked("da/9", "en/9a")]);
    assert_eq!(linker.partner("da/9"), None);
    let offered: Vec<String> = linker.candidates("da/9").into_iter().map(|c| c.0).collect();
    assert_eq!(offered[..2], ["en/9a".to_string(), "en/9b".to_string()]);
    // Removing one of them settles it.
    assert_eq!(linker.remove("en/9b"), [linked("da/9", "en/9a")]);
}

/// A Danish edition of `topic` that lacks its numbers.
fn loose_da(topic: u32) -> Signature {
    let mut sig = edition(Lang::Da, topic, 2020, 0);
    let numbers = [
        format!("={}", 1000 + 37 * topic),
        format!("={}", 50 + topic),
    ];
    sig.terms.retain(|(t, _)| !numbers.contains(t));
    sig
}

#[test]
fn one_edition_each_also_without_a_margin() {
    // Two Danish documents want the one English translation: only the better gets it.
    let mut linker = linker().with_margin(0.0);
    linker.add_all(collection());
    linker.add("da/9-loose", loose_da(9));
    linker.add("da/9", edition(Lang::Da, 9, 2020, 0));
    let changes = linker.add("en/9", edition(Lang::En, 9, 2020, 0));
    assert_eq!(changes, [linked("da/9", "en/9")]);
    assert_eq!(linker.partner("da/9-loose"), None);
    assert_eq!(linker.links().len(), 7);
}
