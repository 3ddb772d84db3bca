//! Metadata editors set (#22): title, date, source and type in the corpus's `metadata.tsv`, and
//! the category as the file's folder. Through a real `serve` that watches its corpus: the JSON
//! API and an upload change what search shows without a rebuild, a move never makes an internal
//! document public, and bad input is a 4xx. Through the router: the admin page's form, filled
//! with what the index holds, saving only what the editor changed.

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};

use crate::common::{eventually, indexed, send_to, write_files, Served};

const TOKEN: &str = "metadata-test-token-lang-nok";

const CORPUS: &[(&str, &str)] = &[
    ("synlighed.tsv", "moeder/\tintern\n"),
    (
        "nyt/plan.md",
        "# Plan for foreningerne\n\nKommunen støtter de frivillige foreninger med lokaler og \
         tilskud, og planen beskriver hvordan samarbejdet skal foregå de næste år.\n",
    ),
    (
        "moeder/referat.md",
        "# Referat\n\nMødet drøftede kvaskerulle-projektet og foreningernes lokaler.\n",
    ),
];

fn json(served: &Served, path: &str, token: bool) -> serde_json::Value {
    let auth = format!("Bearer {TOKEN}");
    let headers: &[(&str, &str)] = if token {
        &[("Authorization", auth.as_str())]
    } else {
        &[]
    };
    let (status, body) = served.request("GET", path, headers);
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).expect("json")
}

fn put(served: &Served, id: &str, body: &str) -> (u16, String) {
    let auth = format!("Bearer {TOKEN}");
    served.send(
        "PUT",
        &format!("/api/metadata/{id}"),
        &[
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/json"),
        ],
        body.as_bytes(),
    )
}

#[test]
fn editors_set_title_date_source_type_and_category_and_search_follows() {
    let corpus = tempfile::tempdir().expect("tempdir");
    write_files(
        corpus.path(),
        CORPUS.iter().map(|(p, t)| (*p, t.as_bytes())),
    );
    let index = tempfile::tempdir().expect("tempdir");
    let served = Served::start(
        corpus.path(),
        index.path(),
        &[("VIDENSBASE_ADMIN_TOKEN", TOKEN)],
    );
    let long = Duration::from_secs(60);
    assert!(eventually(long, || json(
        &served,
        "/api/search?q=foreningerne",
        false
    )["total"]
        == 1));

    let (status, body) = put(
        &served,
        "nyt/plan.md",
        r#"{"title": "Handleplan for frivillighed", "date": "2024-03-01",
            "source": "Kultur- og fritidsforvaltningen", "type": "office"}"#,
    );
    assert_eq!((status, body.as_str()), (200, r#"{"id":"nyt/plan.md"}"#));
    let hit = || json(&served, "/api/search?q=handleplan", false)["hits"][0].clone();
    assert!(
        eventually(long, || hit()["id"] == "nyt/plan.md"),
        "the new title is searchable: {}",
        hit()
    );
    let hit = hit();
    assert_eq!(hit["title"], "Handleplan for frivillighed");
    assert_eq!(hit["source"], "Kultur- og fritidsforvaltningen");
    assert_eq!(hit["date"], "2024-03-01");
    let typed = |kind: &str| {
        json(
            &served,
            &format!("/api/search?q=handleplan&type={kind}"),
            false,
        )["total"]
            .clone()
    };
    assert_eq!((typed("office"), typed("text")), (1.into(), 0.into()));
    let table = std::fs::read_to_string(corpus.path().join("metadata.tsv")).expect("table");
    assert!(
        table.contains(
            "nyt/plan.md\tHandleplan for frivillighed\t2024-03-01\tKultur- og fritidsforvaltningen\toffice\n"
        ),
        "{table}"
    );

    // A field left out stays; an empty one goes back to the file's own value.
    let (status, _) = put(&served, "nyt/plan.md", r#"{"title": ""}"#);
    assert_eq!(status, 200);
    assert!(eventually(long, || {
        json(&served, "/api/search?q=handleplan", false)["total"] == 0
            && json(&served, "/api/search?q=foreningerne", false)["hits"][0]["source"]
                == "Kultur- og fritidsforvaltningen"
    }));

    // A new category moves the file; the internal document stays internal at its new place.
    let secret = "/api/search?q=kvaskerulle";
    assert_eq!(json(&served, secret, false)["total"], 0);
    let (status, body) = put(&served, "moeder/referat.md", r#"{"category": "arkiv"}"#);
    assert_eq!(
        (status, body.as_str()),
        (200, r#"{"id":"arkiv/referat.md"}"#)
    );
    assert!(corpus.path().join("arkiv/referat.md").is_file());
    assert!(!corpus.path().join("moeder/referat.md").exists());
    assert!(eventually(long, || {
        json(&served, secret, true)["hits"][0]["id"] == "arkiv/referat.md"
    }));
    assert_eq!(
        json(&served, secret, false)["total"],
        0,
        "a move made it public"
    );

    // Bad input is a clear 4xx, and nothing is written.
    let before = std::fs::read_to_string(corpus.path().join("metadata.tsv")).expect("table");
    for (id, body, want) in [
        ("nyt/plan.md", r#"{"date": "31. februar 2024"}"#, 400),
        ("nyt/plan.md", r#"{"type": "regneark"}"#, 400),
        ("nyt/plan.md", r#"{"category": "../ud"}"#, 400),
        ("nyt/plan.md", "{not json", 400),
        ("findes/ikke.md", r#"{"title": "x"}"#, 404),
    ] {
        assert_eq!(put(&served, id, body).0, want, "{id} {body}");
    }
    let after = std::fs::read_to_string(corpus.path().join("metadata.tsv")).expect("table");
    assert_eq!(before, after);
    let (status, _) = served.send(
        "PUT",
        "/api/metadata/nyt/plan.md",
        &[("Content-Type", "application/json")],
        br#"{"title": "x"}"#,
    );
    assert_eq!(status, 401, "without the token");
}

#[test]
fn an_upload_carries_its_metadata_from_the_first_sync() {
    let corpus = tempfile::tempdir().expect("tempdir");
    let index = tempfile::tempdir().expect("tempdir");
    let served = Served::start(
        corpus.path(),
        index.path(),
        &[("VIDENSBASE_ADMIN_TOKEN", TOKEN)],
    );
    let boundary = "vidensbase-metadata-boundary";
    let part = |name: &str, value: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
    };
    let body = [
        part("title", "Samarbejdsaftale med idrætsforeningerne"),
        part("source", "Fritidsafdelingen"),
        part("date", "2023"),
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"aftale.txt\"\r\n\
             Content-Type: text/plain\r\n\r\nAftalen gælder lån af haller og baner.\r\n--{boundary}--\r\n"
        ),
    ]
    .concat();
    let auth = format!("Bearer {TOKEN}");
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let (status, answer) = served.send(
        "POST",
        "/api/documents",
        &[("Authorization", &auth), ("Content-Type", &content_type)],
        body.as_bytes(),
    );
    assert_eq!(status, 201, "{answer}");
    let hit = || json(&served, "/api/search?q=samarbejdsaftale", false)["hits"][0].clone();
    assert!(eventually(Duration::from_secs(60), || hit()["id"] == "aftale.txt"));
    assert_eq!(hit()["source"], "Fritidsafdelingen");
    assert_eq!(hit()["date"], "2023");
}

#[tokio::test]
async fn the_admin_form_shows_the_indexed_values_and_saves_only_what_changed() {
    use vidensbase::access::Role;
    let corpus = tempfile::tempdir().expect("tempdir");
    write_files(
        corpus.path(),
        [(
            "nyt/plan.md",
            &b"---\nsource: KL\ndate: 2022-05-01\n---\n# Plan for foreningerne\n\nOm lokaler."[..],
        )],
    );
    let (_index, engine) = indexed(corpus.path());
    let users = tempfile::tempdir().expect("tempdir");
    let file = users.path().join("brugere.json");
    for role in [Role::Reader, Role::Editor] {
        vidensbase::accounts::add(&file, role.code(), role, "korrekt hest batteri").expect("add");
    }
    let app = vidensbase::web::router(
        engine,
        vidensbase::web::Settings {
            accounts: Some(std::sync::Arc::new(vidensbase::accounts::Accounts::new(
                &file,
            ))),
            ..vidensbase::web::Settings::new(corpus.path().to_path_buf())
        },
    );
    let sign_in = |name: &str| {
        Request::builder()
            .method("POST")
            .uri("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "name={name}&password=korrekt+hest+batteri"
            )))
            .expect("request")
    };
    let cookie = |headers: &axum::http::HeaderMap| {
        let set = headers[header::SET_COOKIE].to_str().expect("cookie");
        set.split(';').next().expect("pair").to_string()
    };
    let get = |cookie: &str| {
        Request::builder()
            .uri("/admin/document?id=nyt%2Fplan.md")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request")
    };
    let (_, headers, _) = send_to(&app, sign_in("reader")).await;
    let (status, _, _) = send_to(&app, get(&cookie(&headers))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a reader edits nothing");

    let (_, headers, _) = send_to(&app, sign_in("editor")).await;
    let editor = cookie(&headers);
    let (status, _, page) = send_to(&app, get(&editor)).await;
    let page = String::from_utf8_lossy(&page).into_owned();
    assert_eq!(status, StatusCode::OK, "{page}");
    for shown in [
        "value=\"Plan for foreningerne\"",
        "value=\"2022-05-01\"",
        "value=\"KL\"",
        "value=\"text\" selected",
        "value=\"nyt\"",
    ] {
        assert!(page.contains(shown), "{shown} in {page}");
    }
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf token")
        .to_string();
    let save = |csrf: &str| {
        let body = serde_urlencoded::to_string([
            ("csrf", csrf),
            ("id", "nyt/plan.md"),
            ("title", "Handleplan for foreningerne"),
            ("date", "2022-05-01"),
            ("source", "KL"),
            ("type", "text"),
            ("category", "nyt"),
        ])
        .expect("form");
        Request::builder()
            .method("POST")
            .uri("/admin/document")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &editor)
            .body(Body::from(body))
            .expect("request")
    };
    let (status, _, _) = send_to(&app, save("forfalsket")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!corpus.path().join("metadata.tsv").exists());
    let (status, _, _) = send_to(&app, save(&csrf)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let table = std::fs::read_to_string(corpus.path().join("metadata.tsv")).expect("table");
    let lines: Vec<&str> = table.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(lines, ["nyt/plan.md\tHandleplan for foreningerne\t\t\t"]);
}
