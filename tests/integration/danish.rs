//! Danish-specific behaviour on the judged relevance corpus (`tests/fixtures/relevance/docs`):
//! compounds, folding tiers, typos, translations, mixed-language paragraphs, proximity, related
//! documents. The relevance harness measures these in bulk; these tests pin each rule down.

use std::path::Path;
use std::sync::OnceLock;

use vidensbase::search::{Engine, SearchRequest, SearchResults};

use crate::common::{ids, indexed, rank};

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    &ENGINE
        .get_or_init(|| {
            let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/relevance/docs");
            indexed(&docs)
        })
        .1
}

fn search(q: &str) -> SearchResults {
    engine().search(&SearchRequest::new(q)).expect("search")
}

#[test]
fn a_part_finds_the_compound_and_the_whole_word_ranks_first() {
    // frivilligudvalg-aarhus has only the compound `frivilligudvalg`; the national strategy and
    // the IRM report have the word itself (`frivillig`, `frivillige`).
    let r = search("frivillig");
    let compound = rank(&r, "frivilligudvalg-aarhus.txt");
    assert!(
        rank(&r, "civilsamfund-national-strategi.txt") < compound,
        "{:?}",
        ids(&r)
    );
    assert!(
        rank(&r, "irm-design-report-2017-2019.txt") < compound,
        "{:?}",
        ids(&r)
    );
    let html = r.hits[rank(&r, "frivilligudvalg-aarhus.txt")]
        .snippet
        .to_html();
    assert!(
        html.to_lowercase().contains("<mark>frivilligudvalg"),
        "{html}"
    );
    // The suffix part: `korruptionsbekæmpelse` → `bekæmpelse`, `ungdomsklubber` → `klubber`.
    rank(&search("klubber"), "ungdomsklubber-under-pres.txt");
}

#[test]
fn a_compound_query_finds_its_parts() {
    let r = search("korruptionsforebyggelse");
    assert!(
        ids(&r)
            .iter()
            .take(2)
            .any(|id| *id == "korruption-kommunale-udbud.txt"
                || *id == "global-indsats-aabenhed.txt"),
        "{:?}",
        ids(&r)
    );
}

#[test]
fn aa_and_å_are_one_spelling_and_lossy_folds_a_fallback() {
    // `Aarhus` and `Århus` are the same word: either query ranks the two documents (one says
    // `Aarhus`, the other `Århus`) the same way, by how much they say it.
    let (aa, å) = (search("Aarhus"), search("Århus"));
    assert_eq!(ids(&aa)[..2], ids(&å)[..2]);
    for id in ["frivilligudvalg-aarhus.txt", "aeldrepleje-lokale-teams.txt"] {
        assert!(rank(&aa, id) < 2 && rank(&å, id) < 2, "{:?}", ids(&aa));
    }
    // Lossy folds (før → for) are a fallback only.
    let r = search("før");
    assert_eq!(ids(&r)[0], "hoering-ogp-handlingsplan-2019-2021.txt");
    assert!(r.hits[0].score > r.hits.get(1).map_or(0.0, |h| h.score));
}

#[test]
fn keyboard_without_danish_letters() {
    assert_eq!(
        ids(&search("Kobenhavn"))[0],
        "ogp-netvaerksmoede-koebenhavn.txt"
    );
    assert_eq!(ids(&search("Ramboll"))[0], "ungdomsklubber-under-pres.txt");
    assert_eq!(
        ids(&search("hoering"))[0],
        "hoering-ogp-handlingsplan-2019-2021.txt"
    );
}

#[test]
fn typos_find_the_word_below_exact_matches() {
    rank(&search("volunter"), "volunteering-national-council.txt");
    let typo = search("civilsamfun");
    let exact = search("civilsamfund");
    let id = "civilsamfund-national-strategi.txt";
    // Found by its close spelling, in a tier below what the right spelling gets.
    let (at_typo, at_exact) = (rank(&typo, id), rank(&exact, id));
    assert!(
        typo.hits[at_typo].score < exact.hits[at_exact].score,
        "{} vs {}",
        typo.hits[at_typo].score,
        exact.hits[at_exact].score
    );
    // Short words get no typo tolerance: `dsta` is one edit from `data`, which the corpus holds,
    // and finds nothing.
    assert!(!search("data").hits.is_empty());
    assert_eq!(search("dsta").total, 0);
}

#[test]
fn british_and_american_spellings_meet() {
    // English documents only: Danish also writes `organisation`, which is a direct Danish match.
    let plain = |q: &str| {
        let mut req = SearchRequest::new(q);
        req.expand = false;
        req.lang = Some(vidensbase::lang::Lang::En);
        engine().search(&req).expect("search")
    };
    let a = plain("organization");
    let b = plain("organisation");
    let sorted = |r: &SearchResults| {
        let mut v: Vec<String> = ids(r).into_iter().map(String::from).collect();
        v.sort();
        v
    };
    assert_eq!(sorted(&a), sorted(&b));
    // The one document spelled `organization` is found by the British spelling too.
    rank(&b, "open-data-basic-data-dk0052.txt");
}

#[test]
fn translations_find_the_other_language_below_direct_matches() {
    let r = search("ensomhed");
    assert_eq!(ids(&r)[0], "loneliness-older-people-befriending.txt");
    assert!(
        r.expansions.iter().any(|e| e.phrase == "loneliness"),
        "{:?}",
        r.expansions
    );

    let r = search("civil society");
    assert!(
        r.expansions.iter().any(|e| e.phrase == "civilsamfund"),
        "{:?}",
        r.expansions
    );
    let danish = rank(&r, "civilsamfund-national-strategi.txt");
    let direct = rank(&r, "civil-society-strategy-dk0058.txt");
    assert!(direct < danish);

    let mut req = SearchRequest::new("ensomhed");
    req.expand = false;
    let r = engine().search(&req).expect("search");
    assert!(r.expansions.is_empty());
    assert!(!ids(&r).contains(&"loneliness-older-people-befriending.txt"));
}

#[test]
fn danish_paragraphs_in_an_english_report_are_analysed_as_danish() {
    // The IRM report is English but quotes "Frivillige foreninger spiller …"; `foreningerne`
    // (a form the report never uses) only matches through the Danish analyser.
    let r = search("foreningerne spiller");
    assert_eq!(ids(&r)[0], "irm-design-report-2017-2019.txt");
    assert_eq!(r.hits[0].lang, "en");
}

#[test]
fn the_phrase_beats_scattered_words_in_a_title() {
    let r = search("civil society");
    let scattered = rank(&r, "nature-conservation-society.txt");
    for id in [
        "civil-society-strategy-dk0058.txt",
        "radicalisation-prevention-civil-society.txt",
    ] {
        assert!(rank(&r, id) < scattered, "{:?}", ids(&r));
    }
}

#[test]
fn related_documents_cross_languages() {
    let doc = engine()
        .document(
            "loneliness-older-people-befriending.txt",
            None,
            vidensbase::access::Audience::Staff,
        )
        .expect("doc");
    assert!(!doc.related.is_empty() && doc.related.len() <= 5);
    assert!(doc.related.iter().all(|r| r.id != doc.id));
    let related = engine()
        .document(
            "civilsamfund-national-strategi.txt",
            None,
            vidensbase::access::Audience::Staff,
        )
        .expect("doc")
        .related;
    assert!(related.iter().any(|r| r.lang == "en"), "{related:?}");
}
