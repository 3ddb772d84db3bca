//! OCR: the text of a scan, read by Tesseract (Debian's `tesseract-ocr` with its Danish and
//! English models, Apache-2.0) in Danish and English together (`-l dan+eng`: reading Danish as
//! English loses every word with æ, ø or å).
//!
//! Each page is one child process under the limits of every extractor ([`super::tool`]), at a
//! lower priority and with one thread (`OMP_THREAD_LIMIT=1`): the caller runs one page per core.
//! A PDF page is rendered by poppler's `pdftoppm` (300 dpi, grey) and handed to Tesseract as a
//! PGM; an image file is Tesseract's own input (a multi-page TIFF gives one page each). The
//! text comes from Tesseract's TSV: its words in its blocks, paragraphs and lines, with each
//! word's confidence; a page's confidence is the mean of its words'.

use std::sync::OnceLock;

use super::tool::{self, Input, Limits, RunError};
use super::Refusal;

const TESSERACT: &str = "tesseract";

/// The resolution a PDF page is rendered at for OCR.
pub const DPI: u32 = 300;

/// One child's limits: a dense page takes Tesseract a few seconds on this kind of machine; a
/// rendered page (PGM) of A3 at 300 dpi is 17 MB.
const PAGE: Limits = Limits {
    wall: std::time::Duration::from_secs(120),
    memory: 2 << 30,
    output: 96 << 20,
    background: true,
};

/// Whether Tesseract is installed with the Danish and the English model; asked once.
pub fn available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        let limits = Limits {
            wall: std::time::Duration::from_secs(20),
            output: 1 << 20,
            ..PAGE
        };
        tool::run(TESSERACT, &["--list-langs"], Input::Bytes(&[]), limits).is_ok_and(|out| {
            let langs = String::from_utf8_lossy(&out.stdout);
            ["dan", "eng"]
                .iter()
                .all(|l| langs.lines().any(|x| x.trim() == *l))
        })
    })
}

/// The program OCR needs, as a missing tool is named.
pub const PROGRAM: &str = TESSERACT;

/// The text OCR read on one page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OcrPage {
    /// From 1.
    pub page: u32,
    /// Paragraphs separated by blank lines, lines of a paragraph joined.
    pub text: String,
    /// The mean of its words' confidence, 0–100 (0 without words).
    pub confidence: u8,
}

/// Page `page` of the PDF `file`, rendered and read.
pub fn pdf_page(file: &std::fs::File, page: u32) -> Result<OcrPage, Refusal> {
    let (n, dpi) = (page.to_string(), DPI.to_string());
    let args = [
        "-r",
        &dpi,
        "-gray",
        "-f",
        &n,
        "-l",
        &n,
        "-singlefile",
        "/dev/stdin",
    ];
    let image = tool::run("pdftoppm", &args, Input::File(file), PAGE).map_err(refusal)?;
    let mut pages = tesseract(Input::Bytes(&image.stdout), Some(DPI))?;
    let mut read = pages.pop().unwrap_or(OcrPage {
        page,
        text: String::new(),
        confidence: 0,
    });
    read.page = page;
    Ok(read)
}

/// The pages of the image file `file` (PNG, JPEG, TIFF).
pub fn image(file: &std::fs::File) -> Result<Vec<OcrPage>, Refusal> {
    tesseract(Input::File(file), None)
}

fn tesseract(input: Input, dpi: Option<u32>) -> Result<Vec<OcrPage>, Refusal> {
    let dpi = dpi.map(|d| d.to_string());
    let mut args = vec!["stdin", "stdout", "-l", "dan+eng"];
    if let Some(dpi) = &dpi {
        args.extend(["--dpi", dpi]);
    }
    args.push("tsv");
    let out = tool::run(TESSERACT, &args, input, PAGE).map_err(refusal)?;
    Ok(read_tsv(&String::from_utf8_lossy(&out.stdout)))
}

fn refusal(e: RunError) -> Refusal {
    match e {
        RunError::Missing(_) => Refusal::ToolMissing(TESSERACT),
        RunError::TimedOut(limit) => Refusal::TookTooLong(limit.as_secs()),
        RunError::TooMuchOutput(_) => Refusal::Damaged("a page too large to read by OCR".into()),
        RunError::Failed { stderr, .. } => {
            Refusal::Damaged(format!("OCR could not read it ({stderr})"))
        }
        other => Refusal::Damaged(format!("OCR {other}")),
    }
}

/// Tesseract's TSV (`level page block par line word left top width height conf text`) as pages
/// of text: words of a line joined by spaces, lines of a paragraph by spaces too (a scan's line
/// breaks are the layout's, not the text's; a hyphen at a line's end joins the word), and
/// paragraphs by blank lines.
pub fn read_tsv(tsv: &str) -> Vec<OcrPage> {
    let mut pages: Vec<OcrPage> = Vec::new();
    let mut sums: Vec<(u64, u64)> = Vec::new();
    let mut last: Option<(u32, u32, u32, u32)> = None;
    for line in tsv.lines().skip(1) {
        let cells: Vec<&str> = line.split('\t').collect();
        let [level, page, block, par, line_no, _, _, _, _, _, conf, text] = cells[..] else {
            continue;
        };
        let word = text.trim();
        let (Ok(5), Ok(page)) = (level.parse::<u8>(), page.parse::<u32>()) else {
            continue;
        };
        if word.is_empty() {
            continue;
        }
        let number = |s: &str| s.parse::<u32>().unwrap_or(0);
        let place = (page, number(block), number(par), number(line_no));
        if pages.last().is_none_or(|p| p.page != page) {
            pages.push(OcrPage {
                page,
                text: String::new(),
                confidence: 0,
            });
            sums.push((0, 0));
            last = None;
        }
        let (Some(current), Some(sum)) = (pages.last_mut(), sums.last_mut()) else {
            continue;
        };
        match last {
            Some((_, b, p, _)) if (b, p) != (place.1, place.2) => current.text.push_str("\n\n"),
            Some(_) if current.text.ends_with('-') && place.3 != last.map_or(0, |l| l.3) => {
                current.text.pop();
            }
            Some(_) => current.text.push(' '),
            None => {}
        }
        current.text.push_str(word);
        last = Some(place);
        let confidence = conf.trim().parse::<f32>().unwrap_or(0.0).clamp(0.0, 100.0);
        sum.0 += confidence.round() as u64;
        sum.1 += 1;
    }
    for (page, (total, words)) in pages.iter_mut().zip(sums) {
        page.confidence = (total / words.max(1)) as u8;
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_becomes_paragraphs_with_their_mean_confidence() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext
1\t1\t0\t0\t0\t0\t0\t0\t2480\t3509\t-1\t
5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t96.5\t2.
5\t1\t1\t1\t1\t2\t0\t0\t1\t1\t90\tOpret
5\t1\t1\t1\t2\t1\t0\t0\t1\t1\t80\tbru-
5\t1\t1\t1\t3\t1\t0\t0\t1\t1\t80\tgere
5\t1\t2\t1\t1\t1\t0\t0\t1\t1\t70\tVælg
5\t1\t2\t1\t1\t2\t0\t0\t1\t1\t-1\t 
5\t2\t1\t1\t1\t1\t0\t0\t1\t1\t50\tSide
";
        let pages = read_tsv(tsv);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].text, "2. Opret brugere\n\nVælg");
        assert_eq!(pages[0].confidence, 83);
        assert_eq!(
            (pages[1].page, pages[1].text.as_str(), pages[1].confidence),
            (2, "Side", 50)
        );
        assert!(read_tsv("level\n").is_empty());
        assert!(read_tsv("garbage\n5\t1\n").is_empty());
    }
}
