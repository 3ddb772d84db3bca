//! Running an external extractor (poppler's `pdftotext`) on untrusted input, in its own process
//! with limits: a wall-clock deadline, a cap on its output, and — where util-linux's `prlimit` is
//! installed, as on every Debian system — a cap on its address space and CPU time. A hostile file
//! can make the child hang, balloon or crash; none of that reaches the indexer, which gets an
//! error for this one file and goes on.
//!
//! The child reads bytes through a pipe, or an open file as its standard input (so it can seek in
//! a file it opens again as `/dev/stdin`, and nobody holds the file in memory); its output is
//! either collected ([`run`]) or read as it streams ([`run_with`]), so a reader that keeps only
//! what it needs never holds the whole output.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// What a child may use.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub wall: Duration,
    /// Address space in bytes (`prlimit --as`).
    pub memory: u64,
    /// Bytes of standard output read; more is an error.
    pub output: usize,
    /// Run at a lower priority (`nice -n 10`): work in the background (OCR) yields the CPU to
    /// the indexing of text and to searches.
    pub background: bool,
}

/// The limits extraction runs under: generous for a 1,000-page batch of a report, small next to
/// the machine.
pub const EXTRACTION: Limits = Limits {
    wall: Duration::from_secs(120),
    memory: 2 << 30,
    output: 512 << 20,
    background: false,
};

/// What a child reads on its standard input.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    /// These bytes, through a pipe.
    Bytes(&'a [u8]),
    /// This open file itself: the child may seek in it (poppler opens it again as `/dev/stdin`).
    File(&'a std::fs::File),
}

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
    /// The child exited well, but what it wrote could not be read.
    #[error("{0}")]
    BadOutput(String),
    #[error("could not be run: {0}")]
    Io(#[from] std::io::Error),
}

/// The child's standard output, when it exited with status 0.
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

/// Runs `program args…` on `input` under `limits` and returns all it wrote.
pub fn run(program: &str, args: &[&str], input: Input, limits: Limits) -> Result<Output, RunError> {
    let stdout = run_with(program, args, input, limits, |out| {
        let mut bytes = Vec::new();
        out.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
        Ok(bytes)
    })?;
    Ok(Output { stdout })
}

/// Runs `program args…` on `input` under `limits`, handing its standard output to `read` as it
/// streams. What `read` leaves unread is read and dropped (within the cap) so the child can
/// finish. A deadline, the output cap or a failed exit outweigh what `read` made of the output
/// (a child stopped half-way may well have written something readable).
pub fn run_with<T>(
    program: &str,
    args: &[&str],
    input: Input,
    limits: Limits,
    read: impl FnOnce(&mut dyn BufRead) -> Result<T, String>,
) -> Result<T, RunError> {
    let mut child = spawn(program, args, input, limits)?;
    let deadline = Instant::now() + limits.wall;
    let stdin = child.stdin.take();
    let (Some(stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(RunError::Io(std::io::Error::other("no pipes to the child")));
    };
    let (outcome, over, end, stderr) = std::thread::scope(|scope| {
        if let (Some(mut stdin), Input::Bytes(bytes)) = (stdin, input) {
            // The child may stop reading (a broken file): a failed write is not our error.
            scope.spawn(move || {
                let _ = stdin.write_all(bytes);
            });
        }
        let stderr_reader = scope.spawn(move || {
            let mut text = Vec::new();
            let _ = (&mut stderr).take(64 * 1024).read_to_end(&mut text);
            // Drain the rest so the child never blocks on a full pipe.
            let _ = std::io::copy(&mut stderr, &mut std::io::sink());
            text
        });
        let (done, done_rx) = mpsc::channel();
        let watchdog = scope.spawn(move || watch(child, deadline, done_rx));
        let mut out = BufReader::with_capacity(
            64 * 1024,
            Capped {
                inner: stdout,
                left: limits.output as u64,
                over: false,
            },
        );
        let outcome = read(&mut out).and_then(|value| {
            std::io::copy(&mut out, &mut std::io::sink())
                .map(|_| value)
                .map_err(|e| e.to_string())
        });
        let _ = done.send(outcome.is_ok());
        let end = watchdog.join().unwrap_or(End::TimedOut);
        let stderr = stderr_reader.join().unwrap_or_default();
        (outcome, out.get_ref().over, end, stderr)
    });
    match end {
        End::TimedOut => Err(RunError::TimedOut(limits.wall)),
        _ if over => Err(RunError::TooMuchOutput(limits.output)),
        End::Exited(status) if !status.success() => Err(RunError::Failed {
            status: status.to_string(),
            stderr: first_lines(&stderr),
        }),
        _ => outcome.map_err(RunError::BadOutput),
    }
}

fn spawn(program: &str, args: &[&str], input: Input, limits: Limits) -> Result<Child, RunError> {
    let mut argv: Vec<String> = Vec::new();
    if limits.background {
        argv.extend(["nice", "-n", "10"].map(String::from));
    }
    if has_prlimit() {
        argv.push("prlimit".into());
        argv.push(format!("--as={}", limits.memory));
        argv.push(format!("--cpu={}", limits.wall.as_secs().max(1)));
        argv.push("--".into());
    }
    argv.push(program.to_string());
    let mut command = Command::new(&argv[0]);
    command
        .args(&argv[1..])
        .args(args)
        // Tesseract's own threads are slower than one per process on a small machine; the
        // pool runs one page per core instead.
        .env("OMP_THREAD_LIMIT", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match input {
        Input::Bytes(_) => command.stdin(Stdio::piped()),
        Input::File(file) => command.stdin(Stdio::from(file.try_clone()?)),
    };
    command.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => RunError::Missing(program.to_string()),
        _ => RunError::Io(e),
    })
}

/// How a child ended.
enum End {
    Exited(ExitStatus),
    /// Stopped because its output was no longer read (unreadable, or over the cap).
    Stopped,
    TimedOut,
}

/// Waits for the reader's word (`true`: the output was read to its end) and then for the child
/// to exit, stopping it at the deadline, or at once when the reader gave up.
fn watch(mut child: Child, deadline: Instant, done: mpsc::Receiver<bool>) -> End {
    let stop = |child: &mut Child| {
        let _ = child.kill();
        let _ = child.wait();
    };
    match done.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        Ok(true) => {}
        Ok(false) | Err(mpsc::RecvTimeoutError::Disconnected) => {
            // A child that exited by itself (its output ended because it failed) has its own
            // status, which says more.
            let _ = child.kill();
            return match child.wait() {
                Ok(status) if status.code().is_some() => End::Exited(status),
                _ => End::Stopped,
            };
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            stop(&mut child);
            return End::TimedOut;
        }
    }
    // Output closed: the child is exiting. Give it until the deadline, then stop it.
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return End::Exited(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(1)),
            _ => {
                stop(&mut child);
                return End::TimedOut;
            }
        }
    }
}

/// A reader that gives at most `left` bytes and then an error, noting that there was more.
struct Capped<R> {
    inner: R,
    left: u64,
    over: bool,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            // One byte more than the cap is what makes the output too long.
            if self.inner.read(&mut [0u8])? == 0 {
                return Ok(0);
            }
            self.over = true;
            return Err(std::io::Error::other("output cap reached"));
        }
        let max = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
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
            background: false,
        }
    }

    #[test]
    fn a_background_child_runs_at_a_lower_priority() {
        let background = Limits {
            background: true,
            ..limits(10_000)
        };
        let out = run("sh", &["-c", "nice"], Input::Bytes(b""), background).expect("nice runs");
        let nice: i32 = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("a number");
        assert!(nice >= 10, "niceness {nice}");
    }

    #[test]
    fn passes_input_through_and_returns_output() {
        let out = run("cat", &[], Input::Bytes(b"hej verden"), limits(10_000)).expect("cat runs");
        assert_eq!(out.stdout, b"hej verden");
    }

    #[test]
    fn a_hanging_child_is_stopped_at_the_deadline() {
        let started = Instant::now();
        let err = run("sleep", &["30"], Input::Bytes(b""), limits(300)).err();
        assert!(matches!(err, Some(RunError::TimedOut(_))), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(20));
    }

    #[test]
    fn output_beyond_the_cap_is_an_error() {
        let err = run(
            "head",
            &["-c", "100000", "/dev/zero"],
            Input::Bytes(b""),
            limits(10_000),
        )
        .err();
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
            Input::Bytes(b""),
            limits(10_000),
        )
        .err();
        match err {
            Some(RunError::Failed { stderr, .. }) => assert_eq!(stderr, "broken"),
            other => panic!("{other:?}"),
        }
        // prlimit, when present, is what fails to find the program: both are "missing".
        let err = run(
            "vidensbase-no-such-tool",
            &[],
            Input::Bytes(b""),
            limits(10_000),
        )
        .err();
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
            Input::Bytes(b""),
            small,
        )
        .err();
        assert!(matches!(err, Some(RunError::Failed { .. })), "{err:?}");
    }

    #[test]
    fn a_file_is_the_childs_own_input_to_seek_in() {
        use std::io::Write;
        let mut file = tempfile::tempfile().expect("temp file");
        file.write_all(b"begyndelsen ... slutningen")
            .expect("write");
        // `tail -c` seeks to the end of a regular file; it could not in a pipe of bytes.
        let out = run(
            "tail",
            &["-c", "10", "/dev/stdin"],
            Input::File(&file),
            limits(10_000),
        )
        .expect("tail runs");
        assert_eq!(out.stdout, b"slutningen");
    }

    #[test]
    fn output_is_read_as_it_streams_and_a_reader_that_stops_stops_the_child() {
        let started = Instant::now();
        // The child writes a line and would then sleep far past the test: the reader has the
        // line while the child runs, gives up, and the child is stopped at once.
        let err = run_with(
            "sh",
            &["-c", "echo første; exec sleep 30"],
            Input::Bytes(b""),
            limits(60_000),
            |out| {
                let mut line = String::new();
                out.read_line(&mut line).map_err(|e| e.to_string())?;
                Err::<(), _>(format!("læste {}", line.trim()))
            },
        )
        .err();
        assert!(
            matches!(&err, Some(RunError::BadOutput(m)) if m == "læste første"),
            "{err:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(20));
    }

    #[test]
    fn a_failed_exit_outweighs_what_the_reader_made_of_the_output() {
        let err = run_with(
            "sh",
            &["-c", "echo halv; echo kodeord >&2; exit 1"],
            Input::Bytes(b""),
            limits(10_000),
            |out| {
                let mut half = String::new();
                out.read_to_string(&mut half).map_err(|e| e.to_string())?;
                Err::<(), _>(format!("unreadable: {half}"))
            },
        )
        .err();
        match err {
            Some(RunError::Failed { stderr, .. }) => assert_eq!(stderr, "kodeord"),
            other => panic!("{other:?}"),
        }
        // What the reader leaves unread is drained, so the child finishes and its status counts.
        let lines = run_with(
            "seq",
            &["1", "100000"],
            Input::Bytes(b""),
            Limits {
                output: 1 << 20,
                ..limits(10_000)
            },
            |out| {
                let mut first = String::new();
                out.read_line(&mut first).map_err(|e| e.to_string())?;
                Ok(first)
            },
        )
        .expect("seq runs");
        assert_eq!(lines, "1\n");
    }
}
