use super::plain::without_furniture;
use super::*;
use std::path::Path;

#[test]
fn markdown_headings_are_marked_paragraphs() {
    let doc = extract(
        Format::Markdown,
        "# Titel\n\nTekst.\n## Mål\nMere tekst.".as_bytes().to_vec(),
        "x",
    )
    .expect("md");
    let paragraphs: Vec<&str> = doc.text.split("\n\n").map(str::trim).collect();
    assert_eq!(paragraphs, ["# Titel", "Tekst.", "## Mål", "Mere tekst."]);
    assert_eq!(doc.title, "Titel");
}

#[test]
fn skip_links_at_the_start_are_not_text() {
    let strip = without_furniture;
    assert_eq!(
        strip("Skip Navigation Denmark Civil Society"),
        "Denmark Civil Society"
    );
    assert_eq!(strip("  Gå til indhold\n\nSamarbejde"), "Samarbejde");
    assert_eq!(strip("Gå til indhold · Skip to content\nTekst"), "Tekst");
    // Only at the start, and only whole phrases.
    assert_eq!(strip("Tekst. Gå til indhold"), "Tekst. Gå til indhold");
    assert_eq!(strip("Skip navigationen"), "Skip navigationen");
    assert_eq!(strip("Gå til indhold"), "");
}

#[test]
fn text_title_skips_navigation_lines() {
    let doc = extract(
        Format::Text,
        "Skip Navigation\nDenmark\n\nCivil Society National Strategy (DK0058)\n\nOverview"
            .as_bytes()
            .to_vec(),
        "x",
    )
    .expect("text");
    assert_eq!(doc.title, "Civil Society National Strategy (DK0058)");
    let doc = extract(
        Format::Text,
        "Gå til indhold\n\nNyt om OGP\n\nHer...".as_bytes().to_vec(),
        "x",
    )
    .expect("text");
    assert_eq!(doc.title, "Nyt om OGP");
}

#[test]
fn front_matter_overrides_title_and_carries_metadata() {
    let src = "---\ntitle: Nyt om OGP\nsource: https://example.dk/ogp\ndate: 2019-07-01\n---\nGå til indhold\n\nTekst her.";
    let doc = extract(Format::Text, src.as_bytes().to_vec(), "x").expect("text");
    assert_eq!(doc.title, "Nyt om OGP");
    assert_eq!(doc.source.as_deref(), Some("https://example.dk/ogp"));
    assert_eq!(
        doc.date.map(|d| d.to_string()).as_deref(),
        Some("2019-07-01")
    );
    assert_eq!(doc.lang, None);
    assert_eq!(doc.translation, None);
    assert!(!doc.text.contains("title:"));
    let src = "---\ntranslation: ./en/ogp.md\n---\nTekst.";
    let doc = extract(Format::Text, src.as_bytes().to_vec(), "x").expect("text");
    assert_eq!(doc.translation.as_deref(), Some("en/ogp.md"));
}

#[test]
fn front_matter_declares_a_language_vidensbase_knows() {
    let lang_of = |value: &str| {
        let src = format!("---\nlang: {value}\n---\nText.");
        extract(Format::Text, src.into_bytes(), "x")
            .expect("text")
            .lang
    };
    assert_eq!(lang_of("da"), Some(Lang::Da));
    assert_eq!(lang_of("English"), Some(Lang::En));
    assert_eq!(lang_of("de"), None);
}

#[test]
fn html_keeps_main_visible_text_only() {
    let src = r#"<html><head><title>Talformat: Valuta</title><style>p{}</style></head>
        <body><nav>Forside Menu</nav><div id="DisplayArea"><h1>Valuta</h1>
        <p>Vælg <b>valuta</b> for cellen.</p><script>alert(1)</script><p>Anden linje</p></div>
        <footer>Kontakt</footer></body></html>"#;
    let doc = extract(Format::Html, src.as_bytes().to_vec(), "x").expect("html");
    assert_eq!(doc.title, "Talformat: Valuta");
    assert_eq!(
        doc.text,
        "# Valuta\n\nVælg valuta for cellen.\n\nAnden linje"
    );
}

#[test]
fn html_tag_soup_entities_and_hidden_content() {
    let src = "<p>Første &amp; <i>anden</i><p>Tredje&nbsp;afsnit &#230;&#x00F8;&aring;\
               <div hidden>skjult</div><span aria-hidden=\"true\">ikon</span>\
               <ul><li>Et<li>To</ul><!-- kommentar --><br/>Sidste";
    let doc = extract(Format::Html, src.as_bytes().to_vec(), "x").expect("html");
    assert_eq!(
        doc.text,
        "Første & anden\n\nTredje afsnit æøå\n\nEt\n\nTo\n\nSidste"
    );
    assert_eq!(doc.title, "x", "no title or h1: the fallback");
}

#[test]
fn html_main_content_wins_over_the_rest_of_the_body() {
    let src = "<body><div>Menu tekst</div><main><h1>Overskrift</h1><p>Indhold <script>var a = '</p>';</script>her</p></main>\
               <div>Efter</div></body>";
    let doc = extract(Format::Html, src.as_bytes().to_vec(), "x").expect("html");
    assert_eq!(doc.text, "# Overskrift\n\nIndhold her");
    assert_eq!(doc.title, "Overskrift");
}

#[test]
fn html_without_title_uses_h1() {
    let doc = extract(
        Format::Html,
        b"<body><h1>Overskrift her</h1><p>Tekst</p></body>".to_vec(),
        "x",
    )
    .expect("html");
    assert_eq!(doc.title, "Overskrift her");
}

#[test]
fn latin1_is_decoded() {
    let bytes = b"K\xf8benhavns \xe6ldre borgere p\xe5 \xc5rhus Kommune";
    let doc = extract(Format::Text, bytes.to_vec(), "x").expect("latin-1");
    assert_eq!(doc.text, "Københavns ældre borgere på Århus Kommune");
}

#[test]
fn binary_and_empty_are_refused() {
    assert_eq!(
        extract(Format::Text, b"\x89PNG\r\n\x1a\n\0\0\0IHDR".to_vec(), "x"),
        Err(Refusal::Binary)
    );
    assert_eq!(
        extract(Format::Text, b"  \n\n ".to_vec(), "x"),
        Err(Refusal::Empty)
    );
    assert_eq!(
        extract(
            Format::Html,
            b"<html><script>x()</script></html>".to_vec(),
            "x"
        ),
        Err(Refusal::Empty)
    );
}

#[test]
fn markdown_heading_is_title_and_links_become_text() {
    let doc = extract(
        Format::Markdown,
        "# Frivillighed i kommunerne\n\nSe [strategien](https://x.dk) og **mere**."
            .as_bytes()
            .to_vec(),
        "x",
    )
    .expect("md");
    assert_eq!(doc.title, "Frivillighed i kommunerne");
    assert!(doc.text.contains("Se strategien og mere."));
}

#[test]
fn producer_characters_are_normalised() {
    let written = "o\u{fb03}cielt \u{fb02}eksibel A\u{30a}rhus civil\u{ad}samfunds\u{200b}organisationer 10\u{a0}%";
    assert_eq!(
        normalise_chars(written),
        "officielt fleksibel Århus civilsamfundsorganisationer 10 %"
    );
    assert!(matches!(
        normalise_chars("Kommunerne – «ældre» … Ωμέγα"),
        Cow::Borrowed(_)
    ));
    // Each character on its own is found.
    for c in [
        '\u{ad}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{a0}', '\u{2007}',
        '\u{202f}', '\u{fb00}', '\u{fb06}', '\u{301}', '\u{36f}',
    ] {
        let text = format!("ab{c}cd");
        assert!(
            matches!(normalise_chars(&text), Cow::Owned(_)),
            "{:x}",
            c as u32
        );
    }
}

#[test]
fn a_huge_text_is_cut_at_the_limit() {
    let text = "æ".repeat(MAX_TEXT_BYTES / 2 + 10);
    let doc = extract(Format::Text, text.into_bytes(), "x").expect("text");
    assert!(doc.text.len() <= MAX_TEXT_BYTES);
    assert_eq!(doc.cut_from, Some(MAX_TEXT_BYTES + 20));
    assert_eq!(
        extract(Format::Text, b"kort".to_vec(), "x")
            .expect("text")
            .cut_from,
        None
    );
}

#[test]
fn a_text_read_in_part_says_how_long_it_was() {
    // The first tenth of a file: the whole text is estimated from it.
    let bytes = "ord ".repeat(1000).into_bytes();
    let source = Source::Prefix {
        bytes,
        total: 40_000,
    };
    let doc = extract_from(Format::Text, source, "x").expect("text");
    assert_eq!(doc.text.len(), 3999);
    assert_eq!(doc.cut_from, Some(39_990));
}

#[test]
fn passing_refusals_are_not_remembered() {
    assert!(Refusal::Binary.is_lasting());
    assert!(Refusal::NeedsPassword.is_lasting());
    assert!(!Refusal::TookTooLong(120).is_lasting());
    assert!(!Refusal::ToolMissing("pdftotext").is_lasting());
}

#[test]
fn formats_are_judged_by_content() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents");
    let read = |name: &str| std::fs::read(dir.join(name)).expect("fixture");
    assert!(Format::Pdf.matches_content(&read("to-spalter.pdf")));
    assert!(Format::Docx.matches_content(&read("elementer.docx")));
    assert!(Format::Odt.matches_content(&read("elementer.odt")));
    assert!(!Format::Pdf.matches_content(&read("elementer.docx")));
    assert!(!Format::Docx.matches_content(&read("elementer.odt")));
    assert!(!Format::Odt.matches_content(&read("elementer.docx")));
    assert!(!Format::Docx.matches_content(b"PK\x03\x04 not really"));
    assert!(Format::Text.matches_content("Kære borger".as_bytes()));
    assert!(!Format::Text.matches_content(&read("to-spalter.pdf")));
    assert!(!Format::Html.matches_content(b"\x89PNG\r\n\x1a\n\0\0"));
}

#[test]
fn a_title_of_heading_marks_only_is_no_title() {
    // Found by `cargo fuzz run html` (minimised: the text file `#`): the title collapsed to
    // nothing after the fallback was decided, so the document had an empty title.
    for (format, bytes) in [
        (Format::Text, &b"#"[..]),
        (Format::Markdown, b"## #\n\nTekst."),
        (Format::Html, b"<title>#</title><p>Tekst."),
    ] {
        let doc = extract(format, bytes.to_vec(), "Fil  navn").expect("text");
        assert_eq!(doc.title, "Fil navn", "{format:?}");
    }
}

#[test]
fn numbered_lists_of_two_items_or_more_are_steps() {
    let html = |body: &str| {
        let src = format!("<html><body><div id=\"DisplayArea\">{body}</div></body></html>");
        extract(Format::Html, src.into_bytes(), "x").expect("html")
    };
    let steps = "<p>For at indsætte en fodnote:</p><ol><li>Klik.</li><li>Vælg Indsæt.</li></ol>";
    assert_eq!(html(steps).steps, 1);
    // A bulleted list, a list of one item, and a list outside the main content are no steps.
    assert_eq!(html("<ul><li>Klik.</li><li>Vælg.</li></ul>").steps, 0);
    assert_eq!(html("<ol><li>Klik.</li></ol>").steps, 0);
    let outside = "<html><body><nav><ol><li>a</li><li>b</li></ol></nav>\
         <div id=\"DisplayArea\"><p>Tekst.</p></div></body></html>";
    let doc = extract(Format::Html, outside.as_bytes().to_vec(), "x").expect("html");
    assert_eq!(doc.steps, 0);
    // Nested: the inner ordered list counts on its own; a bulleted list inside is no step.
    let nested = "<ol><li>Klik.<ul><li>x</li><li>y</li></ul></li><li>Gem.</li></ol>";
    assert_eq!(html(nested).steps, 1);

    let md = |text: &str| extract(Format::Markdown, text.as_bytes().to_vec(), "x").expect("md");
    assert_eq!(
        md("# Opret bruger\n\n1. Vælg Indstillinger.\n   Fortsat.\n2. Klik Tilføj.\n").steps,
        1
    );
    assert_eq!(
        md("# Liste\n\n1. Kun én.\n\nTekst.\n\n2) Og en anden.\n").steps,
        0
    );
    assert_eq!(md("- Klik.\n- Vælg.\n").steps, 0);
    assert_eq!(
        md("Året 2024. Det var godt.\n2025. Det blev bedre.\n").steps,
        0
    );
}
