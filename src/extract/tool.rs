//! Running an external extractor (poppler's `pdftotext`) on untrusted bytes, in its own process
//! with limits: a wall-clock deadline, a cap on its output, and — where util-linux's `prlimit` is
//! installed, as on every Debian system — a cap on its address space and CPU time. A hostile file
//! can make the child hang, balloon or crash; none of that reaches the indexer, which gets an
//! error for this one file and goes on.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// What a child may use.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub wall: Duration,
    /// Address space in bytes (`prlimit --as`).
    pub memory: u64,
    /// Bytes of standard output kept; more is an error.
    pub output: usize,
}

/// The limits extraction runs under: generous for a 1,000-page report, small next to the machine.
pub const EXTRACTION: Limits = Limits {
    wall: Duration::from_secs(120),
    memory: 2 << 30,
    output: 512 << 20,
};

/// A child that did not give a usable result.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{0} is not installed")]
    Missing(String),
    #[error("took longer than {} s and was stopped", .0.as_secs())]
    TimedOut(Duration),
    #[error("wrote more than {} MB and was stopped", .0 >> 20)]
    TooMuchOutput(usize),
    #[error("failed ({status}): {stderr}")]
    Failed { status: String, stderr: String },
    #[error("could not be run: {0}")]
    Io(#[from] std::io::Error),
}

/// The child's standard output and error, when it exited with status 0.
pub struct Output {
    pub stdout: Vec<u8>,
}

/// True when `program --version` (or `-v`) can be started: the check behind the one warning a
/// missing tool gets.
pub fn installed(program: &str) -> bool {
    Command::new(program)
        .arg("-v")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn has_prlimit() -> bool {
    static HAS: OnceLock<bool> = OnceLock::new();
    *HAS.get_or_init(|| {
        Command::new("prlimit")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Runs `program args…` with `input` on its standard input, under `limits`.
pub fn run(program: &str, args: &[&str], input: &[u8], limits: Limits) -> Result<Output, RunError> {
    let mut command = if has_prlimit() {
        let mut c = Command::new("prlimit");
        c.arg(format!("--as={}", limits.memory))
            .arg(format!("--cpu={}", limits.wall.as_secs().max(1)))
            .arg("--")
            .arg(program);
        c
    } else {
        Command::new(program)
    };
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => RunError::Missing(program.to_string()),
        _ => RunError::Io(e),
    })?;
    let deadline = Instant::now() + limits.wall;
    let (Some(mut stdin), Some(mut stdout), Some(mut stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(RunError::Io(std::io::Error::other("no pipes to the child")));
    };

    enum Read_ {
        Done(std::io::Result<Vec<u8>>),
        TooMuch,
    }
    let (tx, rx) = mpsc::channel();
    let result = std::thread::scope(|scope| {
        // The child may stop reading (a broken file): a failed write is not our error.
        scope.spawn(move || {
            let _ = stdin.write_all(input);
        });
        let stderr_reader = scope.spawn(move || {
            let mut text = Vec::new();
            let _ = (&mut stderr).take(64 * 1024).read_to_end(&mut text);
            // Drain the rest so the child never blocks on a full pipe.
            let _ = std::io::copy(&mut stderr, &mut std::io::sink());
            text
        });
        let cap = limits.output;
        scope.spawn(move || {
            let mut out = Vec::new();
            let read = (&mut stdout).take(cap as u64 + 1).read_to_end(&mut out);
            let message = match read {
                Ok(_) if out.len() > cap => Read_::TooMuch,
                Ok(_) => Read_::Done(Ok(out)),
                Err(e) => Read_::Done(Err(e)),
            };
            let _ = tx.send(message);
        });

        let timeout = deadline.saturating_duration_since(Instant::now());
        let outcome = match rx.recv_timeout(timeout) {
            Ok(Read_::Done(out)) => Ok(out),
            Ok(Read_::TooMuch) => Err(RunError::TooMuchOutput(cap)),
            Err(_) => Err(RunError::TimedOut(limits.wall)),
        };
        // Output closed: the child is exiting. Give it until the deadline, then stop it.
        let status = loop {
            if outcome.is_err() {
                let _ = child.kill();
                break child.wait().ok();
            }
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(1))
                }
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break None;
                }
            }
        };
        let stderr = stderr_reader.join().unwrap_or_default();
        (outcome, status, stderr)
    });
    let (outcome, status, stderr) = result;
    let stdout = outcome??;
    match status {
        Some(s) if s.success() => Ok(Output { stdout }),
        Some(s) => Err(RunError::Failed {
            status: s.to_string(),
            stderr: first_lines(&stderr),
        }),
        None => Err(RunError::TimedOut(limits.wall)),
    }
}

/// The first few lines of a child's error output, for a one-line warning.
fn first_lines(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(3)
        .collect();
    lines.join(" / ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(ms: u64) -> Limits {
        Limits {
            wall: Duration::from_millis(ms),
            memory: 1 << 30,
            output: 1024,
        }
    }

    #[test]
    fn passes_input_through_and_returns_output() {
        let out = run("cat", &[], b"hej verden", limits(10_000)).expect("cat runs");
        assert_eq!(out.stdout, b"hej verden");
    }

    #[test]
    fn a_hanging_child_is_stopped_at_the_deadline() {
        let started = Instant::now();
        let err = run("sleep", &["30"], b"", limits(300)).err();
        assert!(matches!(err, Some(RunError::TimedOut(_))), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(20));
    }

    #[test]
    fn output_beyond_the_cap_is_an_error() {
        let err = run("head", &["-c", "100000", "/dev/zero"], b"", limits(10_000)).err();
        assert!(
            matches!(err, Some(RunError::TooMuchOutput(1024))),
            "{err:?}"
        );
    }

    #[test]
    fn failure_and_missing_program_are_told_apart() {
        let err = run(
            "sh",
            &["-c", "echo broken >&2; exit 3"],
            b"",
            limits(10_000),
        )
        .err();
        match err {
            Some(RunError::Failed { stderr, .. }) => assert_eq!(stderr, "broken"),
            other => panic!("{other:?}"),
        }
        // prlimit, when present, is what fails to find the program: both are "missing".
        let err = run("vidensbase-no-such-tool", &[], b"", limits(10_000)).err();
        assert!(
            matches!(
                err,
                Some(RunError::Missing(_)) | Some(RunError::Failed { .. })
            ),
            "{err:?}"
        );
    }

    #[test]
    fn memory_cap_stops_a_greedy_child() {
        if !has_prlimit() {
            return;
        }
        // python3 allocating 2 GB under a 256 MB address-space cap fails instead of swapping.
        let small = Limits {
            memory: 256 << 20,
            ..limits(30_000)
        };
        let err = run(
            "python3",
            &["-c", "x = bytearray(2 << 30); print(len(x))"],
            b"",
            small,
        )
        .err();
        assert!(matches!(err, Some(RunError::Failed { .. })), "{err:?}");
    }
}
