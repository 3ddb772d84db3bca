//! OCR: the text of a scan, read by Tesseract (Debian's `tesseract-ocr` with its Danish and
//! English models, Apache-2.0). A page is read with the Danish model first (`-l dan`); a page
//! whose text then reads as English is read again with `-l eng+dan`. Measured on real pages
//! scanned at 200 dpi with noise (`benches/ocr.sh`): the two models together (`dan+eng`) kept 71 %
//! of the Danish words with æ, ø or å and the Danish model 99.7 %; on English pages the Danish
//! model read 97.9 % of the words and `eng+dan` 98.6 %.
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
    let image = Input::Bytes(&image.stdout);
    let mut pages = tesseract(image, Some(DPI), DANISH)?;
    if reads_as_english(&pages) {
        pages = tesseract(image, Some(DPI), ENGLISH)?;
    }
    let mut read = pages.pop().unwrap_or(OcrPage {
        page,
        text: String::new(),
        confidence: 0,
    });
    read.page = page;
    Ok(read)
}

/// Most pixels of an image read by OCR: A0 at 300 dpi is 140 million. Larger PNG and JPEG
/// images are refused by their header, before anything decodes them (TIFF by the limits).
const MAX_PIXELS: u64 = 150_000_000;

/// One image file's limits: a multi-page TIFF is one Tesseract run, a page about every two
/// seconds on this kind of machine.
const IMAGE: Limits = Limits {
    wall: std::time::Duration::from_secs(600),
    ..PAGE
};

/// The pages of the image file `file` (PNG, JPEG, TIFF).
pub fn image(file: &std::fs::File) -> Result<Vec<OcrPage>, Refusal> {
    use std::io::{Read, Seek};
    let rewound = |mut f: &std::fs::File| f.rewind().map_err(|e| Refusal::Damaged(e.to_string()));
    rewound(file)?;
    let mut head = Vec::new();
    file.take(64 << 10)
        .read_to_end(&mut head)
        .map_err(|e| Refusal::Damaged(e.to_string()))?;
    if let Some((w, h)) =
        dimensions(&head).filter(|(w, h)| u64::from(*w) * u64::from(*h) > MAX_PIXELS)
    {
        return Err(Refusal::Damaged(format!(
            "an image too large to read by OCR ({w} × {h} pixels)"
        )));
    }
    rewound(file)?;
    let pages = tesseract(Input::File(file), None, DANISH)?;
    if !reads_as_english(&pages) {
        return Ok(pages);
    }
    rewound(file)?;
    tesseract(Input::File(file), None, ENGLISH)
}

/// The width and height a PNG or JPEG header declares.
fn dimensions(head: &[u8]) -> Option<(u32, u32)> {
    let be32 = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    if head.starts_with(b"\x89PNG\r\n\x1a\n") && head.len() >= 24 && &head[12..16] == b"IHDR" {
        return Some((be32(&head[16..20]), be32(&head[20..24])));
    }
    if !head.starts_with(b"\xff\xd8") {
        return None;
    }
    // JPEG: the markers' segments up to a start of frame (SOF0-SOF15 but DHT, JPG and DAC).
    let mut at = 2;
    while at + 9 < head.len() {
        if head[at] != 0xff {
            return None;
        }
        let marker = head[at + 1];
        let length = usize::from(u16::from_be_bytes([head[at + 2], head[at + 3]]));
        if (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker) {
            let h = u16::from_be_bytes([head[at + 5], head[at + 6]]);
            let w = u16::from_be_bytes([head[at + 7], head[at + 8]]);
            return Some((u32::from(w), u32::from(h)));
        }
        at += 2 + length;
    }
    None
}

/// The models a page is read with first, and again when that reads as English.
const DANISH: &str = "dan";
const ENGLISH: &str = "eng+dan";

/// Whether the text read (of all the pages together) is English.
fn reads_as_english(pages: &[OcrPage]) -> bool {
    let text: String = pages
        .iter()
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    text.split_whitespace().count() >= 5 && crate::lang::detect(&text) == crate::lang::Lang::En
}

fn tesseract(input: Input, dpi: Option<u32>, models: &str) -> Result<Vec<OcrPage>, Refusal> {
    // A rendered page comes with its resolution; an image file may be many pages.
    let limits = if dpi.is_some() { PAGE } else { IMAGE };
    let dpi = dpi.map(|d| d.to_string());
    let mut args = vec!["stdin", "stdout", "-l", models];
    if let Some(dpi) = &dpi {
        args.extend(["--dpi", dpi]);
    }
    args.push("tsv");
    let out = tool::run(TESSERACT, &args, input, limits).map_err(refusal)?;
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
    fn png_and_jpeg_headers_give_their_size() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&30000u32.to_be_bytes());
        png.extend_from_slice(&20000u32.to_be_bytes());
        assert_eq!(dimensions(&png), Some((30000, 20000)));
        // SOI, an APP0 segment of 16 bytes, SOF0 with height 2339 and width 1653.
        let mut jpeg = vec![0xff, 0xd8, 0xff, 0xe0, 0, 16];
        jpeg.extend_from_slice(&[0; 14]);
        jpeg.extend_from_slice(&[0xff, 0xc0, 0, 11, 8, 0x09, 0x23, 0x06, 0x75, 1, 0]);
        assert_eq!(dimensions(&jpeg), Some((1653, 2339)));
        assert_eq!(dimensions(b"II*\0"), None);
    }

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
