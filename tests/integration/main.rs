//! Integration tests: one binary, each test with its own temporary corpus and index.
//!
//! `common` writes the fixture corpus; `admin` drives the admin API (tokens, uploads, deletion,
//! status); `admin_attack` drives it under load and attack (parallel uploads, a killed upload, the
//! per-client sign-in limit, bad names); `documents` indexes the PDF, Word and OpenDocument
//! fixtures of `tests/fixtures/documents/`; `danish` checks the Danish-specific behaviours on the judged
//! relevance corpus; `indexing` covers extraction, languages and incremental
//! sync; `ranking` covers search behaviour through the library; `reader` pins down
//! the reader's-language ranking rules on a corpus of its own; `http` drives the router with
//! `tower::ServiceExt::oneshot`; `relevance` runs the judged query set and prints its table; `watch`
//! covers the corpus watcher and `index` waiting for another writer; `crash` kills the real
//! `vidensbase index` at several moments and checks the next run loses and doubles nothing;
//! `server` drives a real `vidensbase serve` with clients that drip request bodies, more
//! connections than it has file descriptors for and large downloads in parallel; `layers` reads
//! the import graph of `src/` (the search side imports no extraction or ingestion, no circles).

mod access;
mod admin;
mod admin_attack;
mod admin_page;
mod answers;
mod browser;
mod common;
mod crash;
mod danish;
mod documents;
mod editions;
mod feed;
mod http;
mod indexing;
mod layers;
mod metadata;
mod notices;
mod ocr;
mod proxy;
mod questions;
mod quickstart;
mod ranking;
mod reader;
mod relevance;
mod searchlog;
mod server;
mod site;
mod staff;
mod synonyms;
mod watch;
