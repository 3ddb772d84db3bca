//! The fixture corpus: small Danish and English texts, plus files that are broken on purpose.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use tempfile::TempDir;
use tower::ServiceExt;
use vidensbase::search::{Engine, SearchRequest, SearchResults};

pub const DA_VOLUNTEERS: &str = "kommuner/frivillige-foreninger.txt";
pub const EN_LONELINESS: &str = "reports/loneliness-among-older-people.md";
pub const EN_IRM: &str = "irm/dk0058-civil-society-strategy.txt";
pub const DA_LATIN1: &str = "kommuner/aeldre-aarhus-latin1.txt";
pub const DA_ASCII: &str = "kommuner/aeldre-kobenhavn-ascii.txt";
pub const EN_GUIDE_HTML: &str = "guidance/cooperation-guide.html";
pub const EN_MARKUP: &str = "guidance/markup-in-text.txt";
pub const DA_HELP_HTML: &str = "help/talformat-valuta.html";
pub const DA_HELP_DIAGRAM: &str = "help/diagramguide.html";
pub const BINARY: &str = "kommuner/broken.txt";
pub const EMPTY: &str = "kommuner/empty.txt";
pub const BROKEN_PDF: &str = "kommuner/broken.pdf";

/// Writes the fixture corpus into `root`.
pub fn write_corpus(root: &Path) {
    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            DA_VOLUNTEERS,
            "Kommunernes samarbejde med frivillige foreninger\n\n\
             Mange kommuner har en strategi for samarbejdet med de frivillige foreninger. \
             Kommunen støtter foreningerne med lokaler og tilskud, og de frivillige bidrager til \
             fællesskabet i lokalsamfundet. Et frivilligudvalg rådgiver byrådet.\n\n\
             Handlingsplanen for 2024 beskriver, hvordan kommunen vil styrke civilsamfundet og \
             inddrage borgerne i arbejdet mod ensomhed."
                .into(),
        ),
        (
            EN_LONELINESS,
            "# Loneliness among older people\n\n\
             Loneliness is a growing problem among older people in Danish municipalities. \
             Volunteers visit elderly citizens who live alone, and local associations organise \
             activities.\n\n\
             The report recommends partnerships between municipalities and voluntary organisations."
                .into(),
        ),
        (
            EN_IRM,
            "Skip Navigation\nDenmark\n\nCivil Society National Strategy (DK0058)\n\n\
             The commitment aims to strengthen civil society through a national strategy. \
             The Ministry of Children and Social Affairs leads the commitment, and the IRM review \
             found that the strategy supports partnerships between civil society and the public sector."
                .into(),
        ),
        (
            DA_LATIN1,
            // Windows-1252: Ældre borgere i Århus og København får besøg af frivillige.
            b"\xc6ldre borgere i \xc5rhus\n\n\xc6ldre borgere i \xc5rhus og K\xf8benhavn f\xe5r bes\xf8g af \
              frivillige fra lokale foreninger, som bek\xe6mper ensomhed i hverdagen."
                .to_vec(),
        ),
        (
            DA_ASCII,
            // Written without Danish letters, as old systems and foreign keyboards do.
            "Aeldre i Kobenhavn\n\nAeldre borgere i Kobenhavn faar besoeg af frivillige hver uge.".into(),
        ),
        (
            EN_GUIDE_HTML,
            r#"<!doctype html><html><head><title>Cooperation handbook for authorities</title>
            <script>window.evil = 1;</script><style>body { color: red }</style></head>
            <body><nav>Gå til indhold · Forside · Menu</nav>
            <main><h1>Working together on prevention</h1>
            <p>How authorities and civil society stakeholders cooperate on prevention.</p>
            <p>Example of unsafe text: &lt;script&gt;alert("guide")&lt;/script&gt; stays text.</p>
            </main><footer>Kontakt os</footer></body></html>"#
                .into(),
        ),
        (
            EN_MARKUP,
            "Markup inside a plain text document\n\n\
             This cooperation note quotes <script>alert('xss')</script> and \
             <img src=x onerror=alert(1)> literally; both must be shown as text."
                .into(),
        ),
        (
            DA_HELP_HTML,
            r#"<html><head><title>Talformat: Valuta</title></head><body>
            <div id="DisplayArea"><h1>Talformat: Valuta</h1>
            <p>Vælg en valuta for de markerede celler i regnearket.</p></div></body></html>"#
                .into(),
        ),
        (
            DA_HELP_DIAGRAM,
            r#"<html><head><title>Diagramguide - Diagramelementer</title></head><body>
            <div id="DisplayArea"><h1>Diagramguide - Diagramelementer</h1>
            <p>Her angiver du titler, forklaringer og gitterindstillinger for diagrammet.</p></div></body></html>"#
                .into(),
        ),
        (BINARY, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01".to_vec()),
        (EMPTY, b"   \n\n  ".to_vec()),
        (BROKEN_PDF, b"%PDF-1.4 not a document we can read".to_vec()),
        ("kommuner/ignored.doc", b"an old Word file: a format vidensbase does not read".to_vec()),
    ];
    write_files(
        root,
        files.iter().map(|(id, bytes)| (*id, bytes.as_slice())),
    );
}

/// Writes each `(path under root, contents)`, making its folders.
pub fn write_files<'a>(root: &Path, files: impl IntoIterator<Item = (&'a str, &'a [u8])>) {
    for (id, bytes) in files {
        let path = root.join(id);
        std::fs::create_dir_all(path.parent().expect("fixture paths have a folder"))
            .expect("mkdir");
        std::fs::write(path, bytes).expect("write fixture");
    }
}

/// The folder `corpus` indexed into a fresh temporary folder (alive as long as the `TempDir`),
/// and an engine on it.
pub fn indexed(corpus: &Path) -> (TempDir, Engine) {
    let dir = tempfile::tempdir().expect("tempdir");
    vidensbase::ingest::sync(corpus, dir.path()).expect("index");
    let engine = Engine::open(dir.path()).expect("engine");
    (dir, engine)
}

/// A corpus and index in a fresh temporary directory.
pub struct Fixture {
    pub dir: TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        write_corpus(&dir.path().join("corpus"));
        Fixture { dir }
    }

    pub fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    pub fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    pub fn sync(&self) -> vidensbase::ingest::Report {
        vidensbase::ingest::sync(&self.corpus(), &self.index()).expect("sync")
    }

    pub fn engine(&self) -> Engine {
        Engine::open(&self.index()).expect("open engine")
    }
}

/// One indexed fixture shared by the read-only tests.
pub fn shared() -> &'static (Fixture, Engine) {
    static SHARED: OnceLock<(Fixture, Engine)> = OnceLock::new();
    SHARED.get_or_init(|| {
        let fixture = Fixture::new();
        fixture.sync();
        let engine = fixture.engine();
        (fixture, engine)
    })
}

/// `docs` (path, text) written to a fresh corpus folder and indexed: the corpus, the index (both
/// alive as long as their `TempDir`s) and an engine on it.
pub fn indexed_texts(docs: &[(&str, &str)]) -> (TempDir, TempDir, Engine) {
    let corpus = tempfile::tempdir().expect("tempdir");
    write_files(corpus.path(), docs.iter().map(|(p, t)| (*p, t.as_bytes())));
    let (index, engine) = indexed(corpus.path());
    (corpus, index, engine)
}

/// The status and body the site of `engine` over `corpus` answers a GET of `url` with.
pub fn get_page(engine: Engine, corpus: &Path, url: &str) -> (StatusCode, String) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (status, _, body) = runtime.block_on(get_from(engine, corpus.to_path_buf(), url));
    (status, String::from_utf8(body).expect("utf-8"))
}

/// The body of a GET of `url` ([`get_page`]), which must answer 200.
pub fn get_ok(engine: Engine, corpus: &Path, url: &str) -> String {
    let (status, body) = get_page(engine, corpus, url);
    assert_eq!(status, StatusCode::OK, "{url}: {body}");
    body
}

pub fn search(engine: &Engine, q: &str) -> SearchResults {
    engine.search(&SearchRequest::new(q)).expect("search")
}

pub fn ids(results: &SearchResults) -> Vec<&str> {
    results.hits.iter().map(|h| h.id.as_str()).collect()
}

/// Where `id` is in `results` (from 0); fails the test when it is not there.
pub fn rank(results: &SearchResults, id: &str) -> usize {
    ids(results)
        .iter()
        .position(|x| *x == id)
        .unwrap_or_else(|| panic!("{id} not in {:?}", ids(results)))
}

pub fn top(engine: &Engine, q: &str) -> String {
    search(engine, q)
        .hits
        .first()
        .map(|h| h.id.clone())
        .unwrap_or_default()
}

/// One GET through the router of `engine` over `corpus`, without a port: status, headers, body.
pub async fn get_from(
    engine: Engine,
    corpus: PathBuf,
    uri: &str,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let app = vidensbase::web::router(engine, vidensbase::web::Settings::new(corpus));
    let request = Request::builder()
        .uri(uri)
        .body(Body::empty())
        .expect("request");
    send_to(&app, request).await
}

/// A GET of `uri` carrying `cookie` (empty: none that counts).
pub fn get_with_cookie(uri: &str, cookie: &str) -> Request<Body> {
    let request = Request::builder().uri(uri).header(header::COOKIE, cookie);
    request.body(Body::empty()).expect("request")
}

/// A form POST of `form` to `uri` carrying `cookie`, addressed to the host `kb.example`.
pub fn form_post(uri: &str, cookie: &str, form: &[(&str, &str)]) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookie)
        .header(header::HOST, "kb.example")
        .body(Body::from(serde_urlencoded::to_string(form).expect("form")))
        .expect("request")
}

/// One request through `app`, without a port: status, headers, body.
pub async fn send_to(
    app: &axum::Router,
    request: Request<Body>,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    (status, headers, bytes)
}

/// The real `vidensbase` binary with `--corpus` and `--index` set, ready for a command.
pub fn binary(corpus: &Path, index: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_vidensbase"));
    command
        .arg("--corpus")
        .arg(corpus)
        .arg("--index")
        .arg(index);
    command
}

/// A real `vidensbase serve` on a free loopback port, killed when dropped.
pub struct Served {
    pub child: std::process::Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Served {
    /// Starts `serve` (watching) over `corpus` and `index` with `env` set, and waits until it
    /// listens.
    pub fn start(corpus: &Path, index: &Path, env: &[(&str, &str)]) -> Served {
        Served::spawn(binary(corpus, index), env)
    }

    /// Starts `serve` as the README's quick start does: in `folder`, with the default corpus and
    /// index folders (`corpus`, `index`) unless `extra` flags say otherwise; only the port is
    /// chosen free.
    pub fn in_folder(folder: &Path, extra: &[&str], env: &[(&str, &str)]) -> Served {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_vidensbase"));
        command.current_dir(folder).args(extra);
        Served::spawn(command, env)
    }

    /// Runs `command` (the binary, with whatever flags) as `serve` on a free loopback port.
    pub fn spawn(mut command: std::process::Command, env: &[(&str, &str)]) -> Served {
        use std::io::{BufRead, BufReader};
        command
            .args(["--addr", "127.0.0.1:0", "serve"])
            .env("NO_COLOR", "1")
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("spawn vidensbase serve");
        let stderr = child.stderr.take().expect("stderr");
        let (found, inbox) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stderr).lines().map_while(Result::ok);
            for line in lines.by_ref() {
                if let Some((_, rest)) = line.split_once("serving on ") {
                    let base: String = rest
                        .chars()
                        .take_while(|c| !c.is_whitespace() && !c.is_control())
                        .collect();
                    let _ = found.send(base);
                    break;
                }
            }
            // Keep draining so the server never blocks on a full pipe.
            for line in lines {
                if line.contains("WARN") || line.contains("ERROR") {
                    eprintln!("serve: {line}");
                }
            }
        });
        let base = inbox
            .recv_timeout(std::time::Duration::from_secs(60))
            .unwrap_or_else(|_| {
                let _ = child.kill();
                panic!("vidensbase serve did not start listening within 60 s")
            });
        Served { child, base }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    /// A GET over a real connection: the status and the body.
    pub fn get(&self, path: &str) -> (u16, String) {
        self.request("GET", path, &[])
    }

    /// A request with `headers` and no body: the status and the body.
    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
        self.send(method, path, headers, &[])
    }

    /// A request with `headers` and `body`: the status and the body.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, String) {
        use std::io::{Read, Write};
        let host = self.base.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(host).expect("connect");
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .expect("timeout");
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).expect("send");
        stream.write_all(body).expect("send the body");
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).expect("read");
        parse_answer(&answer)
    }
}

/// An HTTP/1.1 answer read whole: its status (0 when there is none) and its body.
pub fn parse_answer(answer: &[u8]) -> (u16, String) {
    let answer = String::from_utf8_lossy(answer);
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Polls until `check` holds, for at most `limit`; whether it did.
pub fn eventually(limit: std::time::Duration, mut check: impl FnMut() -> bool) -> bool {
    let started = std::time::Instant::now();
    while started.elapsed() < limit {
        if check() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    check()
}

/// Fails the test, naming the Debian package to install, when `program` is not on this machine:
/// a test that needs it never passes by skipping.
pub fn require(program: &str, version_flag: &str, package: &str) {
    let found = std::process::Command::new(program)
        .arg(version_flag)
        .output()
        .is_ok();
    assert!(
        found,
        "this test needs `{program}`: apt-get install {package} (.ci/run installs it)"
    );
}

/// `pdftotext`, which reads every PDF.
pub fn require_pdftotext() {
    require("pdftotext", "-v", "poppler-utils");
}

/// Tesseract with its Danish and English models, which read scans (OCR).
pub fn require_tesseract() {
    require_pdftotext();
    let langs = std::process::Command::new("tesseract")
        .arg("--list-langs")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default();
    assert!(
        ["dan", "eng"]
            .iter()
            .all(|l| langs.lines().any(|x| x.trim() == *l)),
        "this test needs Tesseract with its Danish and English models: \
         apt-get install tesseract-ocr tesseract-ocr-dan tesseract-ocr-eng (.ci/run installs them)"
    );
}

/// A folder to use as PATH that has only `programs` (links to the ones on this PATH): a run
/// without the others, such as Tesseract.
pub fn path_with_only(programs: &[&str]) -> TempDir {
    let bin = tempfile::tempdir().expect("tempdir");
    for program in programs {
        let found = std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(program))
                .find(|p| p.is_file())
        });
        if let Some(path) = found {
            std::os::unix::fs::symlink(path, bin.path().join(program)).expect("link");
        }
    }
    bin
}
