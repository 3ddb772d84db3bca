//! The `vidensbase` binary: parse the command line, run it, print the error chain on failure.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = vidensbase::cli::Cli::parse();
    vidensbase::cli::init_logging();
    match vidensbase::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // `vidensbase export | head` closes the pipe early: that is the reader's choice, not an error.
        Err(err)
            if err
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
