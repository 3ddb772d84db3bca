//! Fuzzes the text formats' extraction: arbitrary bytes through the public
//! `vidensbase::extract::extract` as HTML (our own scanner, `src/extract/html.rs`), Markdown or
//! plain text, the first byte choosing which. The rest of the input is the file, as a corpus
//! file or an upload would hand it over: decoding (UTF-8, UTF-16 with a byte order mark,
//! Windows-1252), front matter, the format's reader and character normalisation all run.
//!
//! What must hold: no input panics, and a document that is not refused has text that is not
//! blank and a title that is not empty (the fallback title stands in for none).
//!
//! `extract` runs these readers inside `catch_unwind` (`guarded` in `src/extract.rs`), which
//! makes a panic a `Refusal::Damaged` like any damaged file, so the target could not tell a bug
//! from a refusal. The panic hook set below aborts the process at the panic, before the unwind
//! reaches that guard, so libFuzzer sees every panic as a crash. (libfuzzer-sys installs such a
//! hook too; setting our own keeps the guarantee from resting on that.)

#![no_main]

use libfuzzer_sys::fuzz_target;
use vidensbase::extract::{extract, Format};

fuzz_target!(
    init: {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            report(info);
            std::process::abort();
        }));
    },
    |data: &[u8]| {
        let Some((&choice, file)) = data.split_first() else {
            return;
        };
        let format = match choice % 3 {
            0 => Format::Html,
            1 => Format::Markdown,
            _ => Format::Text,
        };
        if let Ok(doc) = extract(format, file.to_vec(), "fuzz") {
            assert!(!doc.text.trim().is_empty(), "a document without text");
            assert!(!doc.title.is_empty(), "a document without a title");
        }
    }
);
