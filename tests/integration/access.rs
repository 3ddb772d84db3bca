//! Internal documents do not leak: canary words that occur only in internal documents (in their
//! text, titles, ids and category) are looked for in every answer of every route, with ordinary
//! and hostile parameters, signed out and as staff (the admin token as a bearer, and a signed-in
//! admin page session). Signed out, a request about a canary must be answered exactly as the same
//! request about a word that exists nowhere; staff must see the canaries (so the check can fail).

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use vidensbase::web::{router, Settings};

use crate::common::{indexed, send_to, write_files};

const TOKEN: &str = "korrekt-hest-batteri-haefteklamme";

/// Words only internal documents hold, one per way a document becomes internal.
const CANARIES: [&str; 4] = ["kvaskerulle", "snorkelwump", "flimmerbjørn", "gnavlingsbro"];

/// Words of the same length that occur nowhere.
const NOWHERE: [&str; 4] = ["qxqzvxqzvxq", "zqxvwqzvxqj", "vqzxjqwzvjøx", "jqzxvqwzjqxv"];

const CORPUS: &[(&str, &str)] = &[
    (
        "synlighed.tsv",
        "# Hvem må se hvad\nkvaskerulle-moeder/\tintern\nmoeder/\tintern\nnyt/udkast.txt\tintern\n",
    ),
    (
        "nyt/frivillighed.md",
        "# Frivillighedspolitik i kommunen\n\nKommunen samarbejder med foreningslivet om frivillighed, og frivillige \
         foreninger kan søge støtte til deres arbejde i lokalsamfundet hele året.\n",
    ),
    (
        "nyt/foreninger.md",
        "# Foreningslivet og frivillighed\n\nForeningslivet i kommunen er stærkt, og \
         frivillighed er en del af hverdagen for mange borgere i alle aldre.\n",
    ),
    (
        "kvaskerulle-moeder/volunteering.md",
        "---\ntranslation: nyt/frivillighed.md\n---\n# Snorkelwump volunteering policy\n\nThe \
         municipality works with the associations on volunteering; snorkelwump is the draft's \
         code name, and volunteers may apply for support for their work.\n",
    ),
    (
        "kvaskerulle-moeder/referat.md",
        "# Referat af kvaskerulle-mødet\n\nFrivillighed og foreningslivet i kommunen blev \
         drøftet; kvaskerulle er mødets arbejdsnavn, og foreningerne kan søge støtte.\n",
    ),
    (
        "nyt/notat.md",
        "---\nvisibility: intern\n---\n# Flimmerbjørn notat\n\nNotatet om frivillighed og \
         foreningslivet: flimmerbjørn er projektets navn.\n",
    ),
    (
        "nyt/udkast.txt",
        "Udkast om frivillighed\n\nGnavlingsbro er udkastets navn; frivillighed og \
         foreningslivet i kommunen.\n",
    ),
    (
        "moeder/aaben.md",
        "---\nvisibility: offentlig\n---\n# Åbent møde om frivillighed\n\nEt åbent møde om \
         frivillighed og foreningslivet i kommunen.\n",
    ),
    ("kvaskerulle-moeder/defekt.docx", "this is no zip file"),
];

/// Internal documents, and the public ones among those the rules touch.
const INTERNAL: [&str; 5] = [
    "kvaskerulle-moeder/volunteering.md",
    "kvaskerulle-moeder/referat.md",
    "nyt/notat.md",
    "nyt/udkast.txt",
    "kvaskerulle-moeder/defekt.docx",
];

struct Site {
    _corpus: tempfile::TempDir,
    _index: tempfile::TempDir,
    _users: tempfile::TempDir,
    app: Router,
}

const PASSWORD: &str = "korrekt hest batteri";

fn site() -> Site {
    let corpus = tempfile::tempdir().expect("tempdir");
    write_files(
        corpus.path(),
        CORPUS.iter().map(|(p, t)| (*p, t.as_bytes())),
    );
    let (index, engine) = indexed(corpus.path());
    let users = tempfile::tempdir().expect("tempdir");
    let file = users.path().join("brugere.json");
    for role in vidensbase::access::Role::ALL {
        vidensbase::accounts::add(&file, role.code(), role, PASSWORD).expect("account");
    }
    let app = router(
        engine,
        Settings {
            admin_token: Some(TOKEN.to_string()),
            accounts: Some(std::sync::Arc::new(vidensbase::accounts::Accounts::new(
                &file,
            ))),
            ..Settings::new(corpus.path().to_path_buf())
        },
    );
    Site {
        _corpus: corpus,
        _index: index,
        _users: users,
        app,
    }
}

/// Who asks.
#[derive(Clone, Copy, Debug)]
enum As {
    Anyone,
    Bearer,
    Session,
}

async fn fetch(app: &Router, method: &str, uri: &str, who: As, cookie: &str) -> String {
    let mut request = Request::builder().method(method).uri(uri);
    match who {
        As::Anyone => {}
        As::Bearer => request = request.header(header::AUTHORIZATION, format!("Bearer {TOKEN}")),
        As::Session => request = request.header(header::COOKIE, cookie),
    }
    let (status, headers, body) = send_to(app, request.body(Body::empty()).expect("request")).await;
    assert!(status.as_u16() < 500, "{uri}: {status}");
    let mut seen = format!("{status}\n");
    for (name, value) in &headers {
        seen.push_str(&format!(
            "{name}: {}\n",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    seen + &String::from_utf8_lossy(&body)
}

/// The session cookie of the admin page's token, or with `role`, of that role's account.
async fn session_as(app: &Router, role: Option<vidensbase::access::Role>) -> String {
    let (uri, body) = match role {
        None => ("/admin/login", format!("token={TOKEN}")),
        Some(role) => (
            "/login",
            format!("name={}&password={}", role.code(), encode(PASSWORD)),
        ),
    };
    let request = Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    let (status, headers, _) = send_to(app, request).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let set = headers[header::SET_COOKIE].to_str().expect("cookie");
    set.split(';').next().expect("pair").to_string()
}

/// `word` as a query string writes it.
fn encode(word: &str) -> String {
    serde_urlencoded::to_string([("", word)]).expect("encodes")[1..].to_string()
}

/// Every spelling of `word` an answer may echo it in.
fn spellings(word: &str) -> Vec<String> {
    let form = encode(word);
    let percent = form.replace('+', "%20");
    // A link that carries this page's address (the sign-in link's `next`) encodes it again.
    let twice = encode(&percent);
    let lower: Vec<String> = [word.to_string(), form, percent, twice]
        .into_iter()
        .flat_map(|s| [s.clone(), s.to_lowercase(), s.to_uppercase()])
        .collect();
    lower
}

/// An answer with `word` (in every spelling) and every number masked: two answers that differ
/// only in the word asked about and in timings become equal.
fn masked(answer: &str, word: &str) -> String {
    let mut text = answer.to_string();
    for spelling in spellings(word) {
        text = text.replace(&spelling, "WORD");
    }
    let mut out = String::with_capacity(text.len());
    let mut digits = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !digits {
                out.push('0');
            }
            digits = true;
        } else {
            digits = false;
            out.push(c);
        }
    }
    // Hashes of a page (ETags) are letters and digits: gone with the digits' runs but for
    // their letters, which do not depend on the word.
    out
}

fn canaries_in(answer: &str) -> Vec<&'static str> {
    let lower = answer.to_lowercase();
    CANARIES
        .iter()
        .copied()
        .filter(|c| {
            spellings(c)
                .iter()
                .any(|s| lower.contains(&s.to_lowercase()))
        })
        .collect()
}

/// Query strings to try each search route with: `{}` is the probe.
const VARIANTS: &[&str] = &[
    "q={}",
    "q={}&lang=da",
    "q={}&lang=en",
    "q={}&prefix=1",
    "q={}&sort=newest",
    "q={}&page=2",
    "q={}&ui=en",
    "q={}&expand=0",
    "q={}&limit=100",
    "q=frivillighed+{}",
    "q=%22{}+m%C3%B8de%22",
    "q=-{}+frivillighed",
    "q=frivillighed&category={}-moeder",
    "q={}&lang=xx",
    "q={}&page=-1&limit=abc&offset=99999999999999999999",
];

/// Probes that hold no canary: misspellings, beginnings, words internal and public documents
/// share, and hostile input.
const PROBES: &[&str] = &[
    "kvaskerule",
    "snorkelwmp",
    "flimerbj%C3%B8rn",
    "gnavlingbro",
    "kvask",
    "snork",
    "flimm",
    "gnavl",
    "frivillighed",
    "volunteering",
    "referat",
    "notat",
    "udkast",
    "m%C3%B8de",
    "%3Cscript%3Ekvask%3C%2Fscript%3E",
    "*",
    "%00",
    "",
];

const PAGES: &[&str] = &[
    "/",
    "/?ui=en",
    "/was",
    "/api/status",
    "/opensearch.xml",
    "/robots.txt",
    "/search.js",
    "/favicon.svg",
    "/healthz",
    "/admin",
    "/admin/admin.js",
    "/doc/nyt/frivillighed.md",
    "/doc/nyt/foreninger.md?q=frivillighed",
    "/doc/moeder/aaben.md",
    "/files/nyt/frivillighed.md",
    "/search?category=moeder",
    "/api/search?category=nyt&limit=100",
    "/search?q=&lang=da",
    "/nowhere",
];

fn url_of(template: &str, probe: &str) -> Vec<String> {
    ["/search?", "/api/search?", "/search.atom?"]
        .iter()
        .map(|route| format!("{route}{}", template.replace("{}", probe)))
        .collect()
}

#[tokio::test]
async fn anyone_sees_no_canary_anywhere() {
    let site = site();
    let mut leaks = Vec::new();
    let mut urls: Vec<String> = PAGES.iter().map(|p| p.to_string()).collect();
    for probe in PROBES {
        for variant in VARIANTS {
            urls.extend(url_of(variant, probe));
        }
    }
    for url in &urls {
        let answer = fetch(&site.app, "GET", url, As::Anyone, "").await;
        let found = canaries_in(&answer);
        if !found.is_empty() {
            leaks.push(format!("{url}: {found:?}"));
        }
    }
    for (method, url) in [
        ("POST", "/api/reindex"),
        ("POST", "/api/documents"),
        ("DELETE", "/api/documents/kvaskerulle-moeder/referat.md"),
        ("POST", "/admin/delete"),
    ] {
        let answer = fetch(&site.app, method, url, As::Anyone, "").await;
        let found = canaries_in(&answer.replace(url, ""));
        if !found.is_empty() {
            leaks.push(format!("{method} {url}: {found:?}"));
        }
    }
    assert!(
        leaks.is_empty(),
        "{} leaks:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}

#[tokio::test]
async fn for_anyone_an_internal_word_or_document_is_one_that_does_not_exist() {
    let site = site();
    let mut differ = Vec::new();
    for (canary, nowhere) in CANARIES.iter().zip(NOWHERE) {
        let encoded = encode(canary);
        let mut pairs: Vec<(String, String)> = VARIANTS
            .iter()
            .flat_map(|v| url_of(v, &encoded).into_iter().zip(url_of(v, nowhere)))
            .collect();
        for id in INTERNAL {
            for route in ["/doc/", "/files/"] {
                let fake = id.replace(canary, nowhere);
                if fake != id {
                    pairs.push((format!("{route}{id}"), format!("{route}{fake}")));
                }
            }
        }
        pairs.push((
            format!("/search?category={encoded}-moeder"),
            format!("/search?category={nowhere}-moeder"),
        ));
        pairs.push((
            format!("/doc/nyt/frivillighed.md?q={encoded}"),
            format!("/doc/nyt/frivillighed.md?q={nowhere}"),
        ));
        for (asked, other) in pairs {
            let a = fetch(&site.app, "GET", &asked, As::Anyone, "").await;
            let b = fetch(&site.app, "GET", &other, As::Anyone, "").await;
            if masked(&a, canary) != masked(&b, nowhere) {
                differ.push(format!("{asked}\n--- answered ---\n{a}\n--- like ---\n{b}"));
            }
        }
    }
    // Documents made internal without a canary in their id: as unknown as any other id.
    for id in ["nyt/notat.md", "nyt/udkast.txt"] {
        for route in ["/doc/", "/files/"] {
            let answer = fetch(&site.app, "GET", &format!("{route}{id}"), As::Anyone, "").await;
            assert!(answer.starts_with("404"), "{route}{id}: {answer}");
        }
    }
    assert!(
        differ.is_empty(),
        "{} answers tell an internal word from no word:\n{}",
        differ.len(),
        differ.first().map(String::as_str).unwrap_or_default()
    );
}

#[tokio::test]
async fn staff_see_every_canary_and_anyone_the_public_counts() {
    let site = site();
    let mut askers = vec![(As::Bearer, String::new())];
    for role in [None]
        .into_iter()
        .chain(vidensbase::access::Role::ALL.map(Some))
    {
        askers.push((As::Session, session_as(&site.app, role).await));
    }
    for (who, cookie) in askers {
        for canary in CANARIES {
            let encoded = encode(canary);
            let answer = fetch(
                &site.app,
                "GET",
                &format!("/api/search?q={encoded}"),
                who,
                &cookie,
            )
            .await;
            let body = answer.split("\n\n").last().unwrap_or_default();
            assert!(answer.contains("private, no-store"), "{who:?}: {answer}");
            let json: serde_json::Value =
                serde_json::from_str(&answer[answer.find('{').unwrap_or(0)..]).expect("json");
            assert!(
                json["total"].as_u64().unwrap_or(0) >= 1,
                "{who:?} {canary}: {body}"
            );
        }
        for id in &INTERNAL[..4] {
            let page = fetch(&site.app, "GET", &format!("/doc/{id}"), who, &cookie).await;
            assert!(page.starts_with("200"), "{who:?} {id}: {page}");
        }
        let status = fetch(&site.app, "GET", "/api/status", who, &cookie).await;
        assert!(status.contains("defekt.docx"), "{who:?}: {status}");
    }
    // Anyone: the counts are of the public documents (three of the eight hold `frivillighed`
    // among the public ones: nyt/frivillighed.md, nyt/foreninger.md, moeder/aaben.md).
    let answer = fetch(
        &site.app,
        "GET",
        "/api/search?q=frivillighed",
        As::Anyone,
        "",
    )
    .await;
    let json: serde_json::Value =
        serde_json::from_str(&answer[answer.find('{').unwrap_or(0)..]).expect("json");
    assert_eq!(json["total"], 3, "{answer}");
    let status = fetch(&site.app, "GET", "/api/status", As::Anyone, "").await;
    assert!(status.contains("\"documents\":3"), "{status}");
    // A wrong token is told, not quietly answered as for anyone.
    let request = Request::builder()
        .uri("/api/search?q=frivillighed")
        .header(header::AUTHORIZATION, "Bearer wrong-token-of-some-length")
        .body(Body::empty())
        .expect("request");
    assert_eq!(
        send_to(&site.app, request).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[test]
fn export_prints_internal_documents_only_when_asked() {
    let corpus = tempfile::tempdir().expect("tempdir");
    write_files(
        corpus.path(),
        CORPUS.iter().map(|(p, t)| (*p, t.as_bytes())),
    );
    let index = tempfile::tempdir().expect("tempdir");
    let run = |extra: &[&str]| {
        let out = crate::common::binary(corpus.path(), index.path())
            .arg("export")
            .args(extra)
            .output()
            .expect("export runs");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let public = run(&[]);
    assert_eq!(canaries_in(&public), Vec::<&str>::new(), "{public}");
    assert_eq!(public.lines().count(), 3, "{public}");
    let all = run(&["--internal"]);
    assert_eq!(canaries_in(&all), CANARIES.to_vec());
    assert!(all.contains("\"visibility\":\"intern\""));
}

#[test]
fn a_rule_makes_a_document_internal_and_public_again_without_a_rebuild() {
    use vidensbase::access::{Audience, Visibility};
    use vidensbase::ingest::{sync_scope, Progress, Scope};
    use vidensbase::search::SearchRequest;
    let corpus = tempfile::tempdir().expect("tempdir");
    write_files(
        corpus.path(),
        [
            ("nyt/a.md", &b"# Hestesko\n\nOm hestesko og heste."[..]),
            ("nyt/b.md", &b"# Sadler\n\nOm sadler og heste."[..]),
        ],
    );
    let (index, engine) = indexed(corpus.path());
    let found = |audience| {
        engine.reload().expect("reload");
        let mut request = SearchRequest::new("hestesko");
        request.audience = audience;
        engine.search(&request).expect("search").total
    };
    assert_eq!((found(Audience::Anyone), found(Audience::Staff)), (1, 1));
    let sync = |visibility| {
        vidensbase::corpus::set_document_rule(corpus.path(), "nyt/a.md", visibility).expect("rule");
        // What the watcher does with the rules file's event.
        let scope = Scope::of_paths(corpus.path(), [corpus.path().join("synlighed.tsv")]);
        assert!(matches!(scope, Scope::All));
        sync_scope(corpus.path(), index.path(), &scope, &Progress::default()).expect("sync")
    };
    let report = sync(Some(Visibility::Intern));
    assert_eq!(
        report.read, 1,
        "only the document whose rule changed is read"
    );
    assert_eq!((found(Audience::Anyone), found(Audience::Staff)), (0, 1));
    sync(None);
    assert_eq!((found(Audience::Anyone), found(Audience::Staff)), (1, 1));
}

#[tokio::test]
async fn the_admin_sets_visibility_and_an_internal_upload_has_its_rule_first() {
    let site = site();
    let cookie = session_as(&site.app, None).await;
    let page = fetch(&site.app, "GET", "/admin?filter=nyt", As::Session, &cookie).await;
    assert!(
        page.contains("Gør intern") && page.contains("Gør offentlig"),
        "{page}"
    );
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf token")
        .to_string();
    let post = |body: String, cookie: &str| {
        Request::builder()
            .method("POST")
            .uri("/admin/visibility")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie)
            .body(Body::from(body))
            .expect("request")
    };
    let rules =
        || std::fs::read_to_string(site._corpus.path().join("synlighed.tsv")).expect("rules");
    // Without the session's CSRF token nothing changes.
    let forged = post(
        "csrf=x&id=nyt/foreninger.md&visibility=intern".into(),
        &cookie,
    );
    assert_eq!(send_to(&site.app, forged).await.0, StatusCode::FORBIDDEN);
    assert!(!rules().contains("nyt/foreninger.md"));
    let body = format!("csrf={csrf}&id=nyt%2Fforeninger.md&visibility=intern");
    assert_eq!(
        send_to(&site.app, post(body, &cookie)).await.0,
        StatusCode::SEE_OTHER
    );
    assert!(rules().contains("nyt/foreninger.md\tintern"), "{}", rules());
    // An upload marked internal: its rule is written, and a taken name is refused, not numbered.
    let upload = |name: &str| {
        let boundary = "vidensbase-access-boundary";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"visibility\"\r\n\r\nintern\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nnyt\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: text/plain\r\n\r\nEt internt notat om hestesko.\r\n--{boundary}--\r\n"
        );
        Request::builder()
            .method("POST")
            .uri("/api/documents")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .expect("request")
    };
    let (status, _, body) = send_to(&site.app, upload("hestesko.txt")).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&body)
    );
    assert!(rules().contains("nyt/hestesko.txt\tintern"), "{}", rules());
    let (status, _, _) = send_to(&site.app, upload("hestesko.txt")).await;
    assert_eq!(status, StatusCode::CONFLICT);
}
