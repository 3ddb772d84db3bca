use super::*;

fn line(words: &str, y: f32) -> Line {
    Line {
        words: words.split(' ').map(str::to_string).collect(),
        y_min: y,
        y_max: y + 10.0,
        last_x_max: 0.0,
    }
}

fn page(lines: Vec<Line>) -> Page {
    Page {
        height: 800.0,
        blocks: lines.into_iter().map(|l| vec![l]).collect(),
    }
}

fn assemble(pages: Vec<Page>) -> Extracted {
    let mut doc = Document::default();
    for page in pages {
        doc.add_page(page);
    }
    doc.finish()
}

#[test]
fn running_headers_and_page_numbers_are_left_out() {
    let pages: Vec<Page> = (1..=4)
        .map(|n| {
            page(vec![
                line("Samarbejdsrapport 2024", 20.0),
                line(&format!("Tekst på side {n} om foreninger."), 300.0),
                line(&format!("Side {n} af 4"), 770.0),
            ])
        })
        .collect();
    let doc = assemble(pages);
    assert_eq!(doc.pages, 4);
    let pages: Vec<&str> = doc.text.split(PAGE_BREAK).collect();
    assert_eq!(pages.len(), 4);
    assert_eq!(pages[2], "Tekst på side 3 om foreninger.");
}

#[test]
fn a_word_broken_across_lines_of_a_block_is_joined() {
    let pages = vec![Page {
        height: 800.0,
        blocks: vec![vec![
            line("møde med civilsamfunds-", 300.0),
            line("organisationerne i EU-", 312.0),
            line("landene og børne-", 324.0),
            line("og ungeområdet", 336.0),
        ]],
    }];
    assert_eq!(
        assemble(pages).text,
        "møde med civilsamfundsorganisationerne i EU-landene og børne- og ungeområdet"
    );
}

#[test]
fn contents_pages_are_recognised() {
    let pages = vec![
        page(vec![
            line("Indholdsfortegnelse", 100.0),
            line("1. Forord", 120.0),
        ]),
        page(
            (0..8)
                .map(|i| {
                    line(
                        &format!("Kapitel {i} ........ {}", 3 + i),
                        100.0 + 14.0 * i as f32,
                    )
                })
                .collect(),
        ),
        page(vec![line(
            "Indhold og form er vigtige for borgerne.",
            100.0,
        )]),
    ];
    assert_eq!(assemble(pages).contents_pages, [1, 2]);
}

/// Page `n` of a report with a running header, some body text and a page number.
fn report_page(n: usize) -> Page {
    page(vec![
        line("Samarbejdsrapport 2024", 20.0),
        line(
            &format!("Tekst nummer {n} om frivillige foreninger."),
            300.0,
        ),
        line(&format!("Side {n}"), 770.0),
    ])
}

#[test]
fn pages_past_the_budget_are_counted_but_not_kept() {
    let body = "Tekst nummer 1 om frivillige foreninger. ".len();
    // Room for the text of ten pages.
    let mut doc = Document::with_budget(10 * body - 1);
    for n in 1..=40 {
        doc.add_page(report_page(n));
    }
    assert_eq!(doc.kept.len(), 10);
    let out = doc.finish();
    assert_eq!(out.pages, 40);
    let pages: Vec<&str> = out.text.split(PAGE_BREAK).collect();
    assert_eq!(pages.len(), 10);
    // The header is on all 40 pages, of which only 10 (25 %) are kept: still a header.
    assert_eq!(pages[9], "Tekst nummer 10 om frivillige foreninger.");
    let cut = out.cut_from.expect("pages were left out");
    assert!(cut > out.text.len() + 25 * body, "{cut}");
}

#[test]
fn pages_not_read_count_as_pages() {
    let body = "Tekst nummer 1 om frivillige foreninger. ".len();
    let mut doc = Document::with_budget(4 * body);
    let mut n = 0;
    while !doc.is_full() {
        n += 1;
        doc.add_page(report_page(n));
    }
    assert_eq!(doc.pages(), 5);
    // The rest of a 50-page document is never read.
    doc.set_total(50);
    let out = doc.finish();
    assert_eq!(out.pages, 50);
    assert_eq!(out.text.split(PAGE_BREAK).count(), 5);
    let cut = out.cut_from.expect("pages were left out");
    assert!(cut >= out.text.len() * 9, "{cut}");
}

#[test]
fn a_line_on_fewer_than_40_percent_of_all_pages_stays() {
    // A line in the top band of the first 10 kept pages of 40 is no running header, even if
    // it is on every page that is kept.
    let body = "Tekst nummer 1 om frivillige foreninger. ".len();
    let mut doc = Document::with_budget(10 * body - 1);
    for n in 1..=40 {
        let mut p = report_page(n);
        if n > 10 {
            p.blocks.remove(0);
        }
        doc.add_page(p);
    }
    let out = doc.finish();
    let pages: Vec<&str> = out.text.split(PAGE_BREAK).collect();
    assert_eq!(
        pages[3],
        "Samarbejdsrapport 2024\n\nTekst nummer 4 om frivillige foreninger."
    );
}
