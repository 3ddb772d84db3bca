//! The command line: `index`, `serve`, `search` and `export`, with shared `--corpus`, `--index`
//! and `--addr` flags; parsed once into [`Cli`] and run by [`run`].
//!
//! This is the binary's edge, so errors are `anyhow` with context. `serve` builds the index first
//! when there is none, then serves until Ctrl-C while [`crate::watch`] keeps the index in step
//! with the corpus folder (unless `--no-watch`); `vidensbase index` run meanwhile waits for the
//! server's writer instead of failing.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::ingest::Scope;
use crate::lang::Lang;
use crate::search::{Current, Engine, SearchRequest};
use crate::{corpus, ingest, schema, web};

mod export;
mod staff;

#[derive(Debug, Parser)]
#[command(
    name = "vidensbase",
    version,
    about = "Bilingual (Danish/English) knowledge base with full-text search"
)]
pub struct Cli {
    /// Folder of documents (.txt, .md, .html, .pdf, .docx, .odt)
    #[arg(long, global = true, default_value = "corpus", value_name = "DIR")]
    pub corpus: PathBuf,
    /// Folder of the search index
    #[arg(long, global = true, default_value = "index", value_name = "DIR")]
    pub index: PathBuf,
    /// Address `serve` listens on (accepted by every command, so scripts can pass one set of flags)
    #[arg(
        long,
        global = true,
        default_value = "127.0.0.1:8080",
        value_name = "HOST:PORT"
    )]
    pub addr: String,
    /// Staff accounts (`vidensbase user`)
    #[arg(long, global = true, default_value = crate::accounts::DEFAULT_FILE, value_name = "FILE")]
    pub users: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Bring the index up to date with the corpus (adds, changes, deletions)
    Index {
        /// Only these files or folders of the corpus (changed, added or removed); default: all
        #[arg(value_name = "PATH", conflicts_with = "rebuild")]
        paths: Vec<PathBuf>,
        /// Build the index again from scratch beside the live one, then swap it in (a running
        /// server goes on answering from the old index meanwhile)
        #[arg(long)]
        rebuild: bool,
    },
    /// Serve the search site and JSON API, keeping the index current with the corpus folder
    Serve {
        /// Do not watch the corpus folder (the index changes only by `vidensbase index`)
        #[arg(long)]
        no_watch: bool,
    },
    /// Search from the terminal
    Search {
        /// What to search for
        query: String,
        /// Only documents in this language (da or en)
        #[arg(long)]
        lang: Option<Lang>,
        /// Only documents in this category (folder)
        #[arg(long)]
        category: Option<String>,
        /// Number of results
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print the results as JSON
        #[arg(long)]
        json: bool,
        /// Do not expand the query with glossary translations
        #[arg(long)]
        no_expand: bool,
        /// Also search internal documents (staff only; without it, what anyone sees)
        #[arg(long)]
        internal: bool,
    },
    /// Print every public corpus document as extracted (JSON lines: id, title, lang, category,
    /// visibility, text)
    Export {
        /// Also print internal documents
        #[arg(long)]
        internal: bool,
    },
    /// Manage the staff accounts that sign in on /login
    User {
        #[command(subcommand)]
        command: staff::UserCommand,
    },
}

pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("VIDENSBASE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tantivy=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}

pub fn run(mut cli: Cli) -> anyhow::Result<()> {
    // Every later comparison (the watcher's events, uploads, deletes, `index PATH…`, the
    // symbolic-link checks) sees one absolute, resolved spelling of each folder.
    cli.corpus = corpus::resolve(&cli.corpus);
    cli.index = corpus::resolve(&cli.index);
    match cli.command {
        Command::Index { rebuild: true, .. } => rebuild(&cli.corpus, &cli.index),
        Command::Index { paths, .. } => {
            let scope = if paths.is_empty() {
                Scope::All
            } else {
                Scope::of_paths(&cli.corpus, paths)
            };
            index(&cli.corpus, &cli.index, &scope)
        }
        Command::Serve { no_watch } => serve(&cli, !no_watch),
        Command::Search {
            query,
            lang,
            category,
            limit,
            json,
            no_expand,
            internal,
        } => {
            let engine = Engine::open(&cli.index)?.read_synonyms_from(&cli.corpus);
            let mut request = SearchRequest::new(query);
            request.lang = lang;
            request.category = category;
            request.limit = limit;
            request.expand = !no_expand;
            if internal {
                request.audience = crate::access::Audience::Staff;
            }
            let results = engine.search(&request)?;
            print_results(&results, json)
        }
        Command::Export { internal } => export::export(&cli.corpus, &cli.index, internal),
        Command::User { command } => staff::user(&cli.users, command),
    }
}

/// The admin API's token: `VIDENSBASE_ADMIN_TOKEN`, or the first line of the file named by
/// `VIDENSBASE_ADMIN_TOKEN_FILE`; none leaves the admin API closed. A token shorter than 16
/// characters is refused: it would be guessed.
fn admin_token() -> anyhow::Result<Option<String>> {
    let token = match (
        std::env::var("VIDENSBASE_ADMIN_TOKEN"),
        std::env::var_os("VIDENSBASE_ADMIN_TOKEN_FILE"),
    ) {
        (Ok(token), _) => token,
        (Err(_), Some(file)) => std::fs::read_to_string(&file)
            .with_context(|| format!("reading the admin token from {}", file.to_string_lossy()))?
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
        (Err(_), None) => return Ok(None),
    };
    let token = token.trim().to_string();
    anyhow::ensure!(
        token.chars().count() >= 16,
        "the admin token must be at least 16 characters long"
    );
    Ok(Some(token))
}

/// Who runs the site: `VIDENSBASE_SITE_OWNER`, `VIDENSBASE_SITE_CONTACT` (an e-mail address or
/// a web address) and the accessibility statement in the file named by
/// `VIDENSBASE_ACCESSIBILITY_STATEMENT`.
fn site() -> anyhow::Result<web::Site> {
    let var = |name: &str| {
        std::env::var(name)
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let statement = match std::env::var_os("VIDENSBASE_ACCESSIBILITY_STATEMENT") {
        Some(file) => Some(std::fs::read_to_string(&file).with_context(|| {
            format!(
                "reading the accessibility statement {}",
                file.to_string_lossy()
            )
        })?),
        None => None,
    };
    let default = web::Site::default();
    Ok(web::Site {
        owner: var("VIDENSBASE_SITE_OWNER").unwrap_or(default.owner),
        contact: var("VIDENSBASE_SITE_CONTACT"),
        statement,
        statement_date: var("VIDENSBASE_STATEMENT_DATE"),
        statement_url: var("VIDENSBASE_STATEMENT_URL").filter(|u| u.starts_with("https://")),
    })
}

/// The host names the server answers to: `VIDENSBASE_ALLOWED_HOSTS` (comma-separated; `*` for
/// any), else, on a loopback address, the loopback names only; else any.
fn allowed_hosts(addr: &str) -> Option<Vec<String>> {
    if let Ok(list) = std::env::var("VIDENSBASE_ALLOWED_HOSTS") {
        let names: Vec<String> = list
            .split(',')
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .collect();
        return (!names.iter().any(|h| h == "*")).then_some(names);
    }
    let loopback = addr
        .parse::<std::net::SocketAddr>()
        .is_ok_and(|a| a.ip().is_loopback())
        || addr.starts_with("localhost:");
    loopback.then(|| web::LOOPBACK_HOSTS.iter().map(|h| h.to_string()).collect())
}

/// How long `index` waits for another process's writer (a watching server) before giving up.
const WAIT_FOR_WRITER: std::time::Duration = std::time::Duration::from_secs(600);

/// `vidensbase index`: one sync. When another process is writing the index (a server keeping it
/// current, or another `index`), waits for it and then syncs, saying so, instead of failing.
fn index(corpus: &Path, index: &Path, scope: &Scope) -> anyhow::Result<()> {
    let (report, waited) = sync_waiting(corpus, index, scope)?;
    if waited {
        println!("{report} (after the other writer finished)");
    } else {
        println!("{report}");
    }
    read_scans(corpus, index, &report.ocr)
}

/// Reads by OCR the scans a sync left waiting (the text of the others is committed already),
/// one page per core, and syncs them again so their text is indexed. A server does the same in
/// the background.
fn read_scans(corpus: &Path, index: &Path, jobs: &[ingest::ocr::OcrJob]) -> anyhow::Result<()> {
    if jobs.is_empty() {
        return Ok(());
    }
    let progress = ingest::ocr::OcrProgress::default();
    for (n, job) in jobs.iter().enumerate() {
        eprintln!("reading {} by OCR ({} of {})", job.id, n + 1, jobs.len());
        ingest::ocr::run(index, job, &progress);
    }
    let ids = jobs.iter().map(|job| job.id.clone()).collect();
    let (report, _) = sync_waiting(corpus, index, &Scope::Under(ids))?;
    println!("then the scans read by OCR: {report}");
    Ok(())
}

/// `vidensbase index --rebuild`: a new index beside the live one, swapped in when complete; then
/// a sync for what changed meanwhile.
fn rebuild(corpus: &Path, index: &Path) -> anyhow::Result<()> {
    let report = ingest::rebuild(corpus, index, &ingest::Progress::default(), WAIT_FOR_WRITER)
        .with_context(|| format!("rebuilding {} from {}", index.display(), corpus.display()))?;
    println!("rebuilt: {report}");
    let (report, _) = sync_waiting(corpus, index, &Scope::All)?;
    if report.added + report.updated + report.deleted > 0 {
        println!("then synced what changed meanwhile: {report}");
    }
    read_scans(corpus, index, &report.ocr)
}

/// One sync, waiting (up to [`WAIT_FOR_WRITER`]) while another process holds the writer; also
/// says whether it waited.
fn sync_waiting(
    corpus: &Path,
    index: &Path,
    scope: &Scope,
) -> anyhow::Result<(ingest::Report, bool)> {
    let started = std::time::Instant::now();
    let mut waited = false;
    loop {
        match ingest::sync_scope(corpus, index, scope, &ingest::Progress::default()) {
            Err(crate::Error::Locked(_)) if started.elapsed() < WAIT_FOR_WRITER => {
                if !waited {
                    eprintln!(
                        "another process is writing {} (a running `vidensbase serve` keeps it current); waiting for it",
                        index.display()
                    );
                    waited = true;
                }
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            other => {
                let report = other.with_context(|| {
                    format!("indexing {} into {}", corpus.display(), index.display())
                })?;
                return Ok((report, waited));
            }
        }
    }
}

fn serve(cli: &Cli, watch: bool) -> anyhow::Result<()> {
    let (corpus, index, addr) = (cli.corpus.as_path(), cli.index.as_path(), cli.addr.as_str());
    for leftover in corpus::clean_uploads(corpus, |w| tracing::warn!("{w}")) {
        tracing::info!(
            "removed {}, left by an upload that did not finish",
            leftover.display()
        );
    }
    build_if_missing(corpus, index)?;
    let engine = Engine::open(index)?.read_synonyms_from(corpus);
    tracing::info!(documents = engine.num_docs(), "index opened");
    // Read the word list now rather than in the first search that needs it.
    let speller = crate::spelling::Speller::global();
    tracing::info!(
        words = speller.listed(),
        "word list for spelling suggestions"
    );
    let engine = Arc::new(Current::new(engine));
    // Kept alive until the server stops.
    let watch = if watch {
        Some(start_watching(corpus, index, engine.clone())?)
    } else {
        None
    };
    let settings = web::Settings {
        admin_token: admin_token()?,
        max_upload: max_upload()?,
        status: watch.as_ref().map(|w| w.status()),
        rebuilder: watch.as_ref().map(|w| Arc::new(w.rebuilder())),
        allowed_hosts: allowed_hosts(addr),
        site: site()?,
        ..web::Settings::new(corpus.to_path_buf())
    };
    let settings = staff::settings(&cli.users, index, settings)?;
    if settings.admin_token.is_some() {
        tracing::info!("admin API open (POST /api/documents, DELETE /api/documents/{{id}})");
    }
    let search_log = settings.search_log.clone();
    let served = listen(addr, web::router_with(engine, settings));
    if let Some(log) = search_log {
        log.save();
    }
    served
}

/// Builds the index when there is none (or an empty one), waiting for an `index` run that is
/// building it already.
fn build_if_missing(corpus: &Path, index: &Path) -> anyhow::Result<()> {
    if schema::open_existing(index)?
        .is_none_or(|(i, _)| i.searchable_segment_ids().is_ok_and(|s| s.is_empty()))
    {
        tracing::info!(
            "no index in {}; building it from {}",
            index.display(),
            corpus.display()
        );
        let (report, _) = sync_waiting(corpus, index, &Scope::All).context("building the index")?;
        tracing::info!("{report}");
    }
    Ok(())
}

/// The watcher of the corpus folder, which links the editions of each change (an `index` run
/// beside it leaves them) and refreshes `engine` after a sync that changed something.
fn start_watching(
    corpus: &Path,
    index: &Path,
    engine: Arc<Current>,
) -> anyhow::Result<crate::watch::Watch> {
    if !crate::ingest::own_editions(index) {
        tracing::warn!("another process links the editions of this index");
    }
    let watch = crate::watch::spawn(corpus, index, move |report| {
        if report.added + report.updated + report.deleted + report.skipped > report.skipped_before {
            tracing::info!("{report}");
        }
        if report.added + report.updated + report.deleted > 0 {
            engine.refresh();
        }
    })
    .context("watching the corpus folder")?;
    tracing::info!("watching {} for changes", corpus.display());
    Ok(watch)
}

/// `VIDENSBASE_MAX_UPLOAD_MB`, in bytes, or the default.
fn max_upload() -> anyhow::Result<usize> {
    match std::env::var("VIDENSBASE_MAX_UPLOAD_MB") {
        Ok(mb) => Ok(mb
            .trim()
            .parse::<usize>()
            .context("VIDENSBASE_MAX_UPLOAD_MB is not a number of megabytes")?
            << 20),
        Err(_) => Ok(web::MAX_UPLOAD),
    }
}

/// Serves `router` on `addr` until Ctrl-C.
fn listen(addr: &str, router: axum::Router) -> anyhow::Result<()> {
    let limits = web::server::Limits::from_env()?;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        let bound = listener
            .local_addr()
            .map_or(addr.to_string(), |a| a.to_string());
        tracing::info!("serving on http://{bound}");
        web::server::run(listener, router, limits, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
        anyhow::Ok(())
    })
}

fn print_results(results: &crate::search::SearchResults, json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        let value = web::json::Results::of(results);
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        return Ok(());
    }
    let bold = std::io::stdout().is_terminal();
    writeln!(out, "{} results ({:.1} ms)", results.total, results.took_ms)?;
    if !results.expansions.is_empty() {
        let also: Vec<String> = results
            .expansions
            .iter()
            .map(|e| format!("{} ({})", e.phrase, e.lang))
            .collect();
        writeln!(out, "Also searched: {}", also.join(", "))?;
    }
    for (i, h) in results.hits.iter().enumerate() {
        writeln!(
            out,
            "\n{}. {}  [{} · {}] {}",
            i + 1,
            h.title,
            h.lang,
            h.category,
            h.id
        )?;
        let mut line = String::new();
        for f in &h.snippet.fragments {
            let text = f.text.replace('\n', " ");
            match (f.marked, bold) {
                (true, true) => line.push_str(&format!("\x1b[1m{text}\x1b[0m")),
                (true, false) => line.push_str(&format!("*{text}*")),
                _ => line.push_str(&text),
            }
        }
        writeln!(out, "   {line}")?;
    }
    Ok(())
}
