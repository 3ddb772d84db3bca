//! Rank 1 in the reader's language: the query's language decides which matches come first,
//! tiers are an ordering (not score offsets), the word as typed outweighs its other
//! inflections, Danish stems do not fall onto function words, translations go out of the
//! reader's language only and multi-word ones are phrases, and pages agree with each other.
//! Each test uses a small corpus written for the rule it pins down.

use std::sync::OnceLock;

use tempfile::TempDir;
use vidensbase::search::{Engine, SearchRequest, SearchResults, RELAX_BELOW};

use crate::common::{ids, indexed, rank, write_files};

const DOCS: &[(&str, &str)] = &[
    (
        "da/frivillighed.txt",
        "Frivillighed i kommunen\n\n\
         Kommunens politik for frivillighed beskriver, hvordan kommunen støtter frivillige \
         foreninger. Frivilligudvalget mødes fire gange om året, og kulturudvalget fordeler \
         tilskud til frivillighed i lokalsamfundet. Kommunerne samarbejder med foreningerne om \
         frivillighed blandt unge og ældre. Kommunernes indsats for frivillighed evalueres hvert \
         år af frivilligudvalget.",
    ),
    (
        "en/volunteering-twin.txt",
        "Frivillighed: the municipal volunteering policy\n\n\
         The Danish word frivillighed means volunteering. This short note gives the English \
         version of the policy.",
    ),
    (
        "en/kommunernes-review.txt",
        "Review of Kommunernes frivillighedsstrategi\n\n\
         An English review of a Danish strategy by the local government association.",
    ),
    (
        "en/committees.txt",
        "Committees\n\n\
         Committees for volunteers: the committee meets monthly. Each committee reports to the council, and the committee \
         chair is elected. A committee for sports and a committee for culture work together.",
    ),
    (
        "en/volunteering-strategy.txt",
        "National strategy for civil society\n\n\
         Volunteering is the backbone of civic life. The strategy sets out how volunteering is \
         supported nationally: volunteering in sports clubs, volunteering in social work, \
         volunteering among young people and volunteering among older people. Funding for \
         volunteering goes to associations; training for volunteering goes to coordinators. \
         Municipalities report on volunteering every year, and the council for volunteering \
         advises the minister. Research on volunteering shows that volunteering grows when \
         organisations make volunteering flexible. Digital tools for volunteering, awards for \
         volunteering and a week of volunteering complete the strategy. The strategy will be \
         evaluated after four years by an independent panel, who will interview associations, \
         municipalities, coordinators and the people they serve across the country.",
    ),
    (
        "en/volunteer-summary.txt",
        "Summary of the annual report\n\n\
         The annual report of the association covers its finances, its members and its plans. \
         Membership grew by a tenth, and the accounts show a small surplus. Every volunteer \
         counts: the board thanks each volunteer who gave time at the summer festival, the \
         autumn market and the Christmas collection. The association will renew its premises \
         next year, apply for funding from the municipality and start a course for new board \
         members. The board also thanks the volunteer coordinator, who retires this year after \
         twelve years, and welcomes new members to the general assembly in March.",
    ),
    (
        "da/demens.txt",
        "Demens\n\nKommunens demensvejledere hjælper borgere med demens og deres pårørende.",
    ),
    (
        "da/dem.txt",
        "Tilskud til foreninger\n\nForeningerne søger tilskud, og vi giver dem svar inden en måned.",
    ),
    (
        "en/next-of-kin.txt",
        "Information for next of kin\n\nThe next of kin of a resident are told about changes.",
    ),
    (
        "en/next-year.txt",
        "Plans for next year\n\nNext year the club will of course grow. Kin and friends are welcome \
         next spring, of course.",
    ),
    (
        "en/job-offer.txt",
        "The offer\n\nThe council made an offer of a job to the candidate; the offer was accepted.",
    ),
    (
        "en/victims.txt",
        "Support for victims\n\nVictims of crime get support; every victim gets help.",
    ),
    (
        "da/raekker.txt",
        "Rækker\n\nIndsætter nye rækker over den markerede celle i regnearket.",
    ),
    (
        "da/raekke.txt",
        "Række\n\nEn række i et regneark går på tværs af kolonnerne, og en række kan have sin \
         egen højde; markerede rækker flyttes samlet.",
    ),
];

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<(TempDir, TempDir, Engine)> = OnceLock::new();
    &ENGINE
        .get_or_init(|| {
            let corpus = tempfile::tempdir().expect("tempdir");
            write_files(
                corpus.path(),
                DOCS.iter().map(|(id, text)| (*id, text.as_bytes())),
            );
            let (index, engine) = indexed(corpus.path());
            (corpus, index, engine)
        })
        .2
}

fn search(q: &str) -> SearchResults {
    engine().search(&SearchRequest::new(q)).expect("search")
}

#[test]
fn the_query_language_is_read_from_its_words() {
    assert_eq!(search("frivillighed").query_lang, Some("da"));
    assert_eq!(search("the committee").query_lang, Some("en"));
    assert_eq!(search("volunteering").query_lang, Some("en"));
    // Words of both languages: both.
    assert_eq!(search("frivillighed volunteering").query_lang, None);
}

#[test]
fn a_danish_query_ranks_danish_text_above_an_english_document_quoting_it() {
    // The short English note says `frivillighed` in its title and text; the Danish policy is
    // about it, in Danish.
    let r = search("frivillighed");
    assert_eq!(ids(&r)[0], "da/frivillighed.txt", "{:?}", ids(&r));
    assert!(rank(&r, "en/volunteering-twin.txt") > 0);
    // An inflected Danish word that an English review quotes in its title.
    let r = search("kommunernes");
    assert_eq!(ids(&r)[0], "da/frivillighed.txt", "{:?}", ids(&r));
    // In BM25 alone the quoting title would win: the order is the tier's, not the score's.
    let quoting = &r.hits[rank(&r, "en/kommunernes-review.txt")];
    assert!(quoting.tier < r.hits[0].tier);
}

#[test]
fn a_compound_part_in_the_readers_language_beats_a_translation() {
    // The Danish policy says `frivilligudvalget` and `kulturudvalget`, never `udvalg`; the
    // English note says `committee` (the glossary's translation) five times.
    let r = search("udvalg");
    assert_eq!(ids(&r)[0], "da/frivillighed.txt", "{:?}", ids(&r));
    assert!(rank(&r, "en/committees.txt") > 0);
}

#[test]
fn tiers_order_results_whatever_the_scores() {
    // Every hit's tier is at least the next one's, and within a tier scores fall.
    for q in [
        "udvalg",
        "frivillighed",
        "kommunernes frivillighed foreninger tilskud unge ældre lokalsamfundet evalueres",
        "volunteering strategy associations municipalities coordinators council minister",
    ] {
        let r = engine()
            .search(&SearchRequest {
                limit: 100,
                ..SearchRequest::new(q)
            })
            .expect("search");
        for pair in r.hits.windows(2) {
            assert!(
                (pair[0].tier, pair[0].score) >= (pair[1].tier, pair[1].score),
                "{q}: {:?}",
                r.hits
                    .iter()
                    .map(|h| (&h.id, h.tier, h.score))
                    .collect::<Vec<_>>()
            );
        }
    }
    // A translation-only match scores higher than the compound-part match and still ranks
    // below it.
    let r = search("udvalg");
    let (first, english) = (&r.hits[0], &r.hits[rank(&r, "en/committees.txt")]);
    assert!(
        english.score > first.score,
        "{} {}",
        english.score,
        first.score
    );
}

#[test]
fn the_word_as_typed_outweighs_its_other_inflections() {
    // The strategy says `volunteering` 17 times in 130 words; the summary says `volunteer`
    // three times in 100 words. One stem: only the form tells them apart.
    let (strategy, summary) = ("en/volunteering-strategy.txt", "en/volunteer-summary.txt");
    let r = search("volunteering");
    assert!(rank(&r, strategy) < rank(&r, summary), "{:?}", ids(&r));
    let r = search("volunteer");
    assert!(rank(&r, summary) < rank(&r, strategy), "{:?}", ids(&r));
}

#[test]
fn a_title_with_the_very_words_of_the_query_comes_first() {
    // Both titles are `række` by stem; each is the word as typed for one query.
    let r = search("Rækker");
    assert_eq!(ids(&r)[0], "da/raekker.txt", "{:?}", ids(&r));
    let r = search("Række");
    assert_eq!(ids(&r)[0], "da/raekke.txt", "{:?}", ids(&r));
}

#[test]
fn a_danish_stem_does_not_fall_onto_a_function_word() {
    // Snowball stems `demens` to `dem` ("them"), which `dem.txt` says.
    let r = search("demens");
    assert!(!ids(&r).contains(&"da/dem.txt"), "{:?}", ids(&r));
    assert_eq!(ids(&r)[0], "da/demens.txt");
}

#[test]
fn a_multi_word_translation_is_a_phrase() {
    // `pårørende` is `next of kin`: the document saying "next year", "of course" and "kin" apart
    // is not a translation of it.
    let r = search("pårørende");
    assert!(ids(&r).contains(&"en/next-of-kin.txt"), "{:?}", ids(&r));
    assert!(!ids(&r).contains(&"en/next-year.txt"), "{:?}", ids(&r));
    // Typed in English, the phrase is the reader's own match and comes first.
    let r = search("next of kin");
    assert_eq!(ids(&r)[0], "en/next-of-kin.txt", "{:?}", ids(&r));
    assert!(rank(&r, "en/next-year.txt") > rank(&r, "en/next-of-kin.txt"));
}

#[test]
fn an_english_query_is_not_translated_as_if_it_were_danish() {
    // Danish `offer` means "victim"; `the offer` is English.
    let r = search("the offer");
    assert_eq!(r.query_lang, Some("en"));
    assert!(!ids(&r).contains(&"en/victims.txt"), "{:?}", ids(&r));
    assert!(r.expansions.iter().all(|e| e.phrase != "victim"));
    assert_eq!(ids(&r)[0], "en/job-offer.txt");
}

fn page(q: &str, offset: usize, limit: usize) -> SearchResults {
    engine()
        .search(&SearchRequest {
            offset,
            limit,
            ..SearchRequest::new(q)
        })
        .expect("search")
}

#[test]
fn pages_agree_across_the_switch_to_relaxed_matching() {
    // Fewer than RELAX_BELOW documents have every word; more have some.
    let q = "frivillighed volunteering committee";
    let whole = page(q, 0, 100);
    assert!(whole.relaxed, "{:?}", ids(&whole));
    assert!(whole.total > 4, "{:?}", ids(&whole));
    let complete = page("frivillighed volunteering", 0, 100);
    assert!(complete.total < RELAX_BELOW);
    let mut paged = Vec::new();
    for offset in (0..whole.total).step_by(2) {
        let p = page(q, offset, 2);
        assert_eq!(p.total, whole.total, "offset {offset}");
        assert_eq!(p.relaxed, whole.relaxed, "offset {offset}");
        paged.extend(p.hits.into_iter().map(|h| h.id));
    }
    assert_eq!(paged, ids(&whole), "pages repeat or skip documents");
}

#[test]
fn long_queries_keep_their_tiers_on_every_page() {
    let q = "volunteering strategy associations municipalities coordinators council minister panel";
    let whole = page(q, 0, 100);
    let mut paged = Vec::new();
    for offset in (0..whole.total.max(1)).step_by(3) {
        let p = page(q, offset, 3);
        assert_eq!(p.total, whole.total);
        paged.extend(p.hits.into_iter().map(|h| (h.id, h.tier)));
    }
    let expected: Vec<(String, u8)> = whole.hits.iter().map(|h| (h.id.clone(), h.tier)).collect();
    assert_eq!(paged, expected);
    assert!(!expected.is_empty());
}

#[test]
fn fixture_is_what_the_tests_assume() {
    // The rules above rely on these facts of the texts.
    let text = |id: &str| {
        DOCS.iter()
            .find(|(d, _)| *d == id)
            .map(|(_, t)| t.to_lowercase())
            .unwrap_or_default()
    };
    let words = |id: &str| -> Vec<String> {
        text(id)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect()
    };
    assert!(!words("da/frivillighed.txt").contains(&"udvalg".to_string()));
    assert!(text("en/next-year.txt").contains("next") && text("en/next-year.txt").contains("kin"));
    assert!(!text("en/next-year.txt").contains("next of kin"));
    let count = |id: &str, w: &str| words(id).iter().filter(|x| *x == w).count();
    assert!(count("en/volunteering-strategy.txt", "volunteering") >= 15);
    assert_eq!(count("en/volunteer-summary.txt", "volunteer"), 3);
}
