//! The search site's own texts through the router: Danish by default and English with
//! `?ui=en`, category names from `kategorier.tsv`, counts in the right number, the footer and
//! the accessibility statement from the operator's settings, the files the binary serves, gzip,
//! and skip links of scraped pages kept out of the text.

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use vidensbase::web::{router, Settings, Site};

use crate::common::*;

/// A fixture with a category table, indexed; its router's settings built by `settings`.
fn site(settings: impl FnOnce(Settings) -> Settings) -> (Fixture, axum::Router) {
    let fixture = Fixture::new();
    std::fs::write(
        fixture.corpus().join("kategorier.tsv"),
        "# mappe\tdansk\tengelsk\nkommuner\tKommunale dokumenter\tMunicipal documents\n",
    )
    .expect("write table");
    std::fs::write(
        fixture.corpus().join("kommuner/skrabet.txt"),
        "Skip Navigation Gå til indhold\n\nHavnebadet åbner igen efter renoveringen.",
    )
    .expect("write");
    fixture.sync();
    let app = router(fixture.engine(), settings(Settings::new(fixture.corpus())));
    (fixture, app)
}

async fn fetch(
    app: &axum::Router,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut request = Request::builder().uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send_to(app, request.body(Body::empty()).expect("request")).await
}

async fn page(app: &axum::Router, uri: &str) -> String {
    let (status, _, body) = fetch(app, uri, &[]).await;
    assert_eq!(status, StatusCode::OK, "{uri}");
    String::from_utf8_lossy(&body).into_owned()
}

#[tokio::test]
async fn danish_by_default_english_on_request_with_category_names() {
    let (_fixture, app) = site(|s| s);
    let da = page(&app, "/search?q=frivillige").await;
    assert!(da.contains("<html lang=\"da\">"), "{da}");
    assert!(da.contains("Søgeresultater for »frivillige«"));
    assert!(
        da.contains("Kommunale dokumenter"),
        "the table's name: {da}"
    );
    assert!(!da.contains(" results"), "no English on a Danish page");
    assert!(!da.contains(" ms)"), "no search time for staff");

    let en = page(&app, "/search?q=frivillige&ui=en").await;
    assert!(en.contains("<html lang=\"en\">"));
    assert!(en.contains("Search results for “frivillige”"));
    assert!(en.contains("Municipal documents"), "{en}");
    assert!(
        en.contains("name=\"ui\" value=\"en\""),
        "the form keeps ui=en"
    );
    // `lang` still filters documents; `ui` only changes the interface.
    let filtered = page(&app, "/search?q=frivillige&lang=da&ui=en").await;
    assert!(filtered.contains("Danish (") && filtered.contains("aria-current=\"true\""));

    // One hit is "1 resultat", more are "resultater".
    let one = page(&app, "/search?q=havnebadet").await;
    assert!(one.contains("<h2 class=\"count\">1 resultat</h2>"), "{one}");
    let none = page(&app, "/search?q=qqxyzzy").await;
    assert!(none.contains("<h2 class=\"count\">0 resultater</h2>"));
}

#[tokio::test]
async fn the_footer_and_statement_name_the_operator() {
    let (_fixture, app) = site(|s| Settings {
        site: Site {
            owner: "Eksempel Kommune".into(),
            contact: Some("web@eksempel.dk".into()),
            statement: None,
            statement_date: Some("1. december 2026".into()),
            statement_url: Some("https://was.digst.dk/app.vidensbase.example".into()),
        },
        ..s
    });
    let home = page(&app, "/").await;
    assert!(home.contains("Eksempel Kommune"));
    // When the index last changed, the Danish way.
    let today = time::OffsetDateTime::now_utc().date();
    let month = vidensbase::lang::MONTHS[usize::from(u8::from(today.month())) - 1].0;
    let changed = format!(
        "Indekset er opdateret {}. {month} {}",
        today.day(),
        today.year()
    );
    assert!(home.contains(&changed), "{changed}: {home}");
    assert!(home.contains("href=\"mailto:web@eksempel.dk\""));
    assert!(home.contains("href=\"/was\">Tilgængelighedserklæring</a>"));
    let statement = page(&app, "/was").await;
    for part in [
        "Eksempel Kommune er forpligtet",
        "Overensstemmelsesstatus",
        "Håndhævelsesprocedure",
        "mailto:web@eksempel.dk",
        "Erklæringen er senest gennemgået: 1. december 2026",
        "href=\"https://was.digst.dk/app.vidensbase.example\"",
    ] {
        assert!(statement.contains(part), "{part}: {statement}");
    }
    assert!(page(&app, "/was?ui=en")
        .await
        .contains("Enforcement procedure"));

    // The operator's own statement replaces the built-in one, escaped.
    let (_fixture, app) = site(|s| Settings {
        site: Site {
            statement: Some("# Vores erklæring\n\nVi <b>arbejder</b> på det.".into()),
            ..Site::default()
        },
        ..s
    });
    let own = page(&app, "/was").await;
    assert!(own.contains("<h2>Vores erklæring</h2>"));
    assert!(own.contains("Vi &lt;b&gt;arbejder&lt;/b&gt; på det."));
    assert!(!own.contains("Overensstemmelsesstatus"));
}

#[tokio::test]
async fn served_files_are_cached_and_pages_compressed() {
    let (_fixture, app) = site(|s| s);
    for (uri, kind) in [
        ("/favicon.svg", "image/svg+xml"),
        ("/robots.txt", "text/plain"),
        ("/opensearch.xml", "application/opensearchdescription+xml"),
        ("/admin/admin.js", "text/javascript"),
    ] {
        let (status, headers, _) = fetch(&app, uri, &[]).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .is_ok_and(|t| t.starts_with(kind)),
            "{uri}"
        );
        let etag = headers[header::ETAG].to_str().expect("etag").to_string();
        assert!(headers.contains_key(header::CACHE_CONTROL), "{uri}");
        let (again, _, body) = fetch(&app, uri, &[("if-none-match", &etag)]).await;
        assert_eq!((again, body.len()), (StatusCode::NOT_MODIFIED, 0), "{uri}");
    }
    let (_, headers, body) =
        fetch(&app, "/search?q=frivillige", &[("accept-encoding", "gzip")]).await;
    assert_eq!(
        headers
            .get(header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok()),
        Some("gzip")
    );
    assert_eq!(&body[..2], &[0x1f, 0x8b], "a gzip stream");
}

#[tokio::test]
async fn skip_links_of_scraped_pages_are_not_text() {
    let (fixture, app) = site(|s| s);
    let doc = page(&app, "/doc/kommuner/skrabet.txt").await;
    assert!(doc.contains("Havnebadet åbner igen"));
    assert!(
        !doc.contains("Skip Navigation") && !doc.contains("<p>Gå til indhold"),
        "{doc}"
    );
    assert!(search(&fixture.engine(), "\"skip navigation\"")
        .hits
        .is_empty());
}

/// "Mente du …?": a misspelt Danish word whose only matches are English documents (through
/// the glossary) still reaches them, on the page and in the API.
#[tokio::test]
async fn a_misspelt_word_gets_a_spelling_that_finds_documents() {
    let (fixture, _) = site(|s| s);
    std::fs::write(
        fixture.corpus().join("reports/consultation.txt"),
        "Public consultation on the climate plan\n\nThe municipality opens a public consultation; \
         citizens send a consultation response before the deadline.",
    )
    .expect("write");
    fixture.sync();
    let engine = fixture.engine();
    assert!(search(&engine, "høring")
        .hits
        .iter()
        .any(|h| h.id == "reports/consultation.txt"));

    let results = search(&engine, "hørring");
    assert!(results
        .hits
        .iter()
        .all(|h| h.id != "reports/consultation.txt"));
    let suggestion = results.suggestion.expect("a suggestion");
    assert_eq!(suggestion.query, "høring");
    assert!(suggestion.total >= 1);

    // The other words stay as they are, exclusions too.
    let two = search(&engine, "hørring -budget");
    assert_eq!(
        two.suggestion.map(|s| s.query).as_deref(),
        Some("høring -budget")
    );

    let app = router(fixture.engine(), Settings::new(fixture.corpus()));
    let html = page(&app, "/search?q=h%C3%B8rring").await;
    assert!(
        html.contains("Mente du <a href=\"/search?q=h%C3%B8ring\"><strong>høring</strong></a>?"),
        "{html}"
    );
    let (_, _, body) = fetch(&app, "/api/search?q=h%C3%B8rring", &[]).await;
    let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(json["suggestion"]["query"], "høring");

    // With translations off, a spelling that finds documents only through its translations
    // helps nothing, and is not offered.
    let untranslated = engine
        .search(&vidensbase::search::SearchRequest {
            expand: false,
            ..vidensbase::search::SearchRequest::new("hørring")
        })
        .expect("search");
    assert_eq!(untranslated.suggestion, None);

    // A query that finds enough, or that no spelling helps, gets none.
    assert!(search(&engine, "frivillige").suggestion.is_none());
    assert!(search(&engine, "qqxyzzy").suggestion.is_none());
}

/// `sort=newest`: the newest document first, undated ones last, whatever the scores; the
/// choice is kept on the page's links.
#[tokio::test]
async fn results_can_be_sorted_newest_first() {
    let (fixture, _) = site(|s| s);
    let write = |name: &str, date: Option<&str>, text: &str| {
        let front = date.map_or(String::new(), |d| format!("---\ndate: {d}\n---\n"));
        std::fs::write(fixture.corpus().join(name), format!("{front}{text}")).expect("write");
    };
    write(
        "kommuner/havn-2019.txt",
        Some("2019-07-01"),
        "Havneplan 2019\n\nHavneplan havneplan havneplan for havnen.",
    );
    write(
        "kommuner/havn-2023.txt",
        Some("2023-02-15"),
        "Havneplan 2023\n\nEn kort note om havneplan.",
    );
    write(
        "kommuner/havn-udateret.txt",
        None,
        "Havneplan uden dato\n\nHavneplan havneplan.",
    );
    fixture.sync();
    let app = router(fixture.engine(), Settings::new(fixture.corpus()));

    let mut request = vidensbase::search::SearchRequest::new("havneplan");
    request.sort = vidensbase::search::Sort::Newest;
    let newest = fixture.engine().search(&request).expect("search");
    assert_eq!(
        ids(&newest),
        [
            "kommuner/havn-2023.txt",
            "kommuner/havn-2019.txt",
            "kommuner/havn-udateret.txt"
        ]
    );
    let best = search(&fixture.engine(), "havneplan");
    assert_ne!(
        ids(&best).first(),
        Some(&"kommuner/havn-2023.txt"),
        "the short note is not the best match"
    );

    let html = page(&app, "/search?q=havneplan&sort=newest").await;
    assert!(html.contains("aria-current=\"true\">nyeste</a>"), "{html}");
    assert!(
        html.contains("15. februar 2023"),
        "dates the Danish way: {html}"
    );
    let first = html.find("havn-2023").expect("2023 listed");
    let second = html.find("havn-2019").expect("2019 listed");
    assert!(first < second, "newest first on the page");
    assert!(
        html.contains("name=\"sort\" value=\"newest\""),
        "the form keeps the order"
    );
    assert!(
        html.contains("q=havneplan&amp;lang=da&amp;sort=newest"),
        "filter links keep it: {html}"
    );
}

/// Headings of the original (an HTML `h1`, a Word heading style, a Markdown `#`) are headings
/// on the document page, under its own `h1`, and their marks never show in snippets.
#[tokio::test]
async fn headings_stay_headings() {
    let (fixture, app) = site(|s| s);
    let doc = page(&app, &format!("/doc/{EN_GUIDE_HTML}")).await;
    assert!(
        doc.contains(
            "<h2 id=\"afsnit-working-together-on-prevention\">Working together on prevention</h2>"
        ),
        "{doc}"
    );
    let results = search(&fixture.engine(), "prevention");
    for hit in &results.hits {
        let html = hit.snippet.to_html();
        assert!(!html.contains("# "), "{html}");
    }
    let (_, _, body) = fetch(&app, "/api/search?q=prevention", &[]).await;
    assert!(!String::from_utf8_lossy(&body).contains("# "));
}

/// "Also searched" names the translations shown documents matched, and not a one-word
/// translation of a word inside a longer one (`samfund` beside `civilsamfund`).
#[tokio::test]
async fn also_searched_lists_what_the_shown_documents_matched() {
    let (fixture, _) = site(|s| s);
    std::fs::write(
        fixture.corpus().join("kommuner/civilsamfund.txt"),
        "Civilsamfundet i kommunen\n\nKommunen styrker civilsamfundet til gavn for hele samfundet.",
    )
    .expect("write");
    fixture.sync();
    let results = search(&fixture.engine(), "civil society");
    let phrases: Vec<&str> = results
        .expansions
        .iter()
        .map(|e| e.phrase.as_str())
        .collect();
    assert_eq!(phrases, ["civilsamfund"], "{:?}", ids(&results));
    // Nothing shown, nothing named.
    let mut request = vidensbase::search::SearchRequest::new("civil society");
    request.category = Some("ingen-kategori".into());
    let none = fixture.engine().search(&request).expect("search");
    assert!(
        none.hits.is_empty() && none.expansions.is_empty(),
        "{:?}",
        none.expansions
    );
}

/// The `<a …>label</a>` links of `html` as `(attributes, label)`.
fn links(html: &str) -> Vec<(String, String)> {
    html.split("<a ")
        .skip(1)
        .filter_map(|rest| {
            let (attributes, rest) = rest.split_once('>')?;
            let (label, _) = rest.split_once("</a>")?;
            Some((attributes.replace("&amp;", "&"), label.to_string()))
        })
        .collect()
}

#[tokio::test]
async fn a_filter_that_finds_nothing_stays_chosen_with_a_way_back() {
    let (_fixture, app) = site(|s| s);
    let html = page(&app, "/search?q=qqxyzzy&lang=da&category=kommuner").await;
    assert!(html.contains("<h2 class=\"count\">0 resultater</h2>"));
    let links = links(&html);
    let chosen: Vec<&str> = links
        .iter()
        .filter(|(attributes, _)| attributes.contains("aria-current=\"true\""))
        .map(|(_, label)| label.as_str())
        .collect();
    assert_eq!(
        chosen,
        ["dansk (0)", "Kommunale dokumenter (0)", "alle"],
        "{html}"
    );
    let href = |label: &str| {
        links
            .iter()
            .find(|(_, l)| l == label)
            .map(|(attributes, _)| attributes.clone())
            .unwrap_or_else(|| panic!("no link {label}: {html}"))
    };
    assert!(href("Søg uden sprogfilteret »dansk«")
        .starts_with("href=\"/search?q=qqxyzzy&category=kommuner\""));
    assert!(href("Søg uden kategorifilteret »Kommunale dokumenter«")
        .starts_with("href=\"/search?q=qqxyzzy&lang=da\""));
    assert!(href("Søg uden filtre").starts_with("href=\"/search?q=qqxyzzy\""));
}

#[tokio::test]
async fn a_search_as_typed_keeps_completing_on_every_link_and_in_its_form() {
    let (_fixture, app) = site(|s| s);
    let html = page(&app, "/search?q=frivil&prefix=1").await;
    assert!(
        html.contains("<input type=\"hidden\" name=\"prefix\" value=\"1\">"),
        "Enter in the form completes the word as typing did: {html}"
    );
    let searches: Vec<String> = links(&html)
        .into_iter()
        .map(|(attributes, _)| attributes)
        .filter(|a| a.starts_with("href=\"/search?") || a.starts_with("href=\"/doc/"))
        .filter(|a| !a.contains("hreflang"))
        .collect();
    assert!(searches.len() > 3, "{html}");
    for link in searches {
        assert!(link.contains("prefix=1"), "{link}");
    }
    // Without it, the words are searched as written, and the links say so too.
    let exact = page(&app, "/search?q=frivil").await;
    assert!(!exact.contains("prefix"), "{exact}");
}

/// "Mente du" corrects at most `MAX_WORDS` misspelt words, the first ones, and leaves the rest
/// as written: its cost is bounded whatever the query holds.
#[test]
fn a_suggestion_corrects_a_bounded_number_of_words() {
    let (fixture, _) = site(|s| s);
    std::fs::write(
        fixture.corpus().join("reports/consultation.txt"),
        "Public consultation on the climate plan\n\nCitizens send a consultation response.",
    )
    .expect("write");
    fixture.sync();
    let engine = fixture.engine();
    let words = vidensbase::search::MAX_SUGGESTED_WORDS + 2;
    let query = vec!["hørring"; words].join(" ");
    let suggestion = search(&engine, &query).suggestion.expect("a suggestion");
    let corrected: Vec<&str> = suggestion.query.split(' ').collect();
    assert_eq!(corrected.len(), words);
    let fixed = vidensbase::search::MAX_SUGGESTED_WORDS;
    assert!(
        corrected[..fixed].iter().all(|w| *w == "høring"),
        "{corrected:?}"
    );
    assert!(
        corrected[fixed..].iter().all(|w| *w == "hørring"),
        "{corrected:?}"
    );
}

#[test]
fn a_hit_shows_its_source_and_date() {
    let text = "---\nsource: Social- og Boligstyrelsen\ndate: 2024-03-01\n---\n# Vejledning om \
                frivillighed\n\nOm frivillighed i kommunen.";
    let (corpus, _index, engine) = crate::common::indexed_texts(&[("nyt/vejledning.md", text)]);
    let page = crate::common::get_ok(engine, corpus.path(), "/search?q=frivillighed");
    assert!(page.contains("Kilde: Social- og Boligstyrelsen"), "{page}");
    assert!(page.contains("1. marts 2024"), "{page}");
    let (corpus2, _index2, engine2) = crate::common::indexed_texts(&[("nyt/vejledning.md", text)]);
    let json = crate::common::get_ok(engine2, corpus2.path(), "/api/search?q=frivillighed");
    assert!(
        json.contains("\"source\":\"Social- og Boligstyrelsen\""),
        "{json}"
    );
    assert!(json.contains("\"date\":\"2024-03-01\""), "{json}");
}

/// A long report's hit lists its next best pages, and its document page a table of contents
/// whose links reach its headings.
#[test]
fn a_long_report_shows_more_pages_and_a_table_of_contents() {
    crate::common::require_pdftotext();
    let docs =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/relevance/long/docs");
    let (_index, engine) = crate::common::indexed(&docs);
    let results = engine
        .search(&vidensbase::search::SearchRequest::new("snerydning"))
        .expect("search");
    let report = results
        .hits
        .iter()
        .find(|h| h.id == "aarsrapport-2024.pdf")
        .expect("the report is a hit");
    let best = report.page.expect("a page");
    assert!(!report.more_pages.is_empty(), "chapter 2 has pages 5-7");
    assert!(report.more_pages.len() <= 3 && !report.more_pages.contains(&best));
    let page = crate::common::get_ok(engine, &docs, "/doc/aarsrapport-2024.pdf");
    let toc = page
        .split("<nav class=\"toc\"")
        .nth(1)
        .and_then(|rest| rest.split("</nav>").next())
        .expect("a table of contents");
    let links: Vec<&str> = toc
        .split("href=\"#")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(links.len() >= 5, "{toc}");
    for anchor in links {
        assert!(
            page.contains(&format!("id=\"{anchor}\"")),
            "{anchor} is no heading's id"
        );
    }
    assert!(
        !page.contains("aria-label=\"Side 1\""),
        "pages are no landmarks"
    );
}

/// Filters by document type and by the years of the documents' dates, with counts that leave
/// their own filter out, in JSON and on the page.
#[test]
fn type_and_year_filters_count_and_narrow() {
    let docs: &[(&str, &str)] = &[
        ("a.md", "---\ndate: 2019-05-01\n---\n# A\n\nOm frivillighed i 2019."),
        ("b.html", "<html><head><meta name=\"date\" content=\"2021-02-01\"><title>B</title></head><body><p>Om frivillighed på nettet.</p></body></html>"),
        ("c.txt", "C\n\nOm frivillighed uden dato."),
        ("d.md", "---\ndate: 2021-03\n---\n# D\n\nOm frivillighed i 2021."),
        ("e.md", "---\ndate: 2021-06-01\n---\n# E\n\nOm frivillighed i juni 2021."),
    ];
    let json = |url: &str| -> serde_json::Value {
        let (corpus, _index, engine) = crate::common::indexed_texts(docs);
        serde_json::from_str(&crate::common::get_ok(engine, corpus.path(), url)).expect("json")
    };
    let all = json("/api/search?q=frivillighed&facets=1");
    assert_eq!(all["total"], 5, "{all}");
    let web = json("/api/search?q=frivillighed&type=web");
    assert_eq!(web["total"], 1, "{web}");
    let years = json("/api/search?q=frivillighed&from=2020&to=2021");
    let ids: Vec<&str> = years["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .filter_map(|h| h["id"].as_str())
        .collect();
    assert_eq!(years["total"], 2, "{years}");
    assert!(ids.contains(&"d.md") && ids.contains(&"e.md"), "{ids:?}");
    assert_eq!(
        json("/api/search?q=frivillighed&from=2019&to=2019")["total"],
        1
    );
    let (corpus, _index, engine) = crate::common::indexed_texts(docs);
    let (status, _) =
        crate::common::get_page(engine, corpus.path(), "/api/search?q=frivillighed&type=zip");
    assert_eq!(status, axum::http::StatusCode::BAD_REQUEST);
    let (corpus, _index, engine) = crate::common::indexed_texts(docs);
    let page = crate::common::get_ok(
        engine,
        corpus.path(),
        "/search?q=frivillighed&from=2021&to=2021",
    );
    // The year list counts as if no year were chosen; the chosen year is marked.
    assert!(
        page.contains("2019 (1)") && page.contains("2021 (2)"),
        "{page}"
    );
    assert!(page.contains("aria-current=\"true\">2021 (2)"), "{page}");
    // The type list keeps the year filter: the web page is undated.
    assert!(
        page.contains("tekst (2)") && !page.contains("webside ("),
        "{page}"
    );
    assert!(
        page.contains("name=\"from\"") && page.contains("value=\"2021\""),
        "{page}"
    );
}
