//! vidensbase: a bilingual (Danish/English) knowledge base with full-text search.
//!
//! Indexing flows one way — corpus file → [`extract`] (title, text, metadata) → [`lang`]
//! (detection) → [`analysis`] and [`compound`] → tantivy document ([`schema`]) → index — driven by
//! [`ingest`] (kept current while the server runs by [`watch`]). Searching flows the other way — query → [`query`] (parse, expand with
//! [`glossary`]) → [`search`] (with [`spelling`] for "Mente du …?") → [`snippet`] → HTML or JSON in [`web`]. [`cli`] wires the commands.
//! See ARCHITECTURE.md for the map.

pub mod access;
pub mod accounts;
pub mod analysis;
pub mod audit;
pub mod cli;
pub mod compound;
pub mod corpus;
pub mod date;
pub mod editions;
pub mod error;
pub mod extract;
pub mod format;
pub mod glossary;
pub mod ingest;
pub mod lang;
pub mod listing;
pub mod query;
pub mod rank;
pub mod schema;
pub mod search;
pub mod searchlog;
pub mod sections;
pub mod skipped;
pub mod snippet;
pub mod spelling;
pub mod statefile;
pub mod text;
pub mod watch;
pub mod web;

pub use error::{Error, Result, UserError};
