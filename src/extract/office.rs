//! Word (`.docx`) and OpenDocument (`.odt`) files: zip archives of XML, read in-process with
//! bounded decompression.
//!
//! Body text keeps its structure as paragraphs: headings (marked with their outline level, see
//! [`levels`]), list items, table cells (each cell its
//! own paragraph), footnotes and endnotes, text boxes (once: Word's fallback copy for old readers
//! is skipped). Tracked changes read as accepted: deleted text is left out, inserted text kept.
//! Field codes are left out and field results kept. Page headers and footers are not body text
//! and are not read. Title, author, date and language come from `docProps/core.xml` or
//! `meta.xml`; the title falls back to the first heading. Every part is decompressed through a
//! size cap, so a zip bomb is refused as damaged instead of filling memory.

use std::io::Read;

use quick_xml::events::{BytesEnd, BytesStart, Event};

use super::{xml, Extracted, Refusal};
use levels::Styles;

mod levels;

/// Largest uncompressed size of one XML part read.
const MAX_PART: u64 = 64 << 20;
/// Largest number of entries in the archive.
const MAX_ENTRIES: usize = 20_000;

type Archive<'a> = zip::ZipArchive<std::io::Cursor<&'a [u8]>>;

fn open(bytes: &[u8]) -> Result<Archive<'_>, Refusal> {
    let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| Refusal::Damaged(format!("not a readable zip archive ({e})")))?;
    if archive.len() > MAX_ENTRIES {
        return Err(Refusal::Damaged(format!(
            "zip archive with {} entries",
            archive.len()
        )));
    }
    Ok(archive)
}

/// One part of the archive, decompressed up to [`MAX_PART`]; `None` when it is not there.
fn part(archive: &mut Archive, name: &str) -> Result<Option<Vec<u8>>, Refusal> {
    let file = match archive.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(Refusal::Damaged(format!("{name}: {e}"))),
    };
    let mut out = Vec::new();
    file.take(MAX_PART + 1)
        .read_to_end(&mut out)
        .map_err(|e| Refusal::Damaged(format!("{name}: {e}")))?;
    if out.len() as u64 > MAX_PART {
        return Err(Refusal::Damaged(format!(
            "{name} expands to more than {} MB (a zip bomb?)",
            MAX_PART >> 20
        )));
    }
    Ok(Some(out))
}

/// What to do with an element's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A paragraph: its text becomes one paragraph (nested paragraphs, in text boxes and notes,
    /// become their own); ODT's `text:h` is a heading by element.
    Paragraph { heading: bool },
    /// Text content to keep (`w:t`, `text:span` …): handled by the text events.
    Text,
    /// Skip the element and everything in it.
    Skip,
    /// A tab or line break: a space.
    Space,
    /// ODT's `text:s`: `c` spaces.
    Spaces,
    /// Anything else: descend.
    Other,
}

/// Which markup the reader is reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavour {
    Word,
    Open,
}

fn role(flavour: Flavour, e: &BytesStart) -> Role {
    let name = e.name();
    let qualified = name.as_ref();
    match flavour {
        Flavour::Word => match qualified {
            "w:p" => Role::Paragraph { heading: false },
            "w:t" => Role::Text,
            // Deleted text, field codes, Word's copy of a text box for old readers, comments'
            // anchors and the footnote separators.
            "w:del"
            | "w:delText"
            | "w:instrText"
            | "mc:Fallback"
            | "w:footnoteRef"
            | "w:endnoteRef"
            | "w:separator"
            | "w:continuationSeparator" => Role::Skip,
            "w:tab" | "w:br" | "w:cr" => Role::Space,
            _ => Role::Other,
        },
        Flavour::Open => match qualified {
            "text:p" => Role::Paragraph { heading: false },
            "text:h" => Role::Paragraph { heading: true },
            "text:tracked-changes"
            | "text:note-citation"
            | "office:annotation"
            | "text:table-of-content"
            | "text:alphabetical-index"
            | "svg:desc"
            | "svg:title" => Role::Skip,
            "text:tab" | "text:line-break" => Role::Space,
            "text:s" => Role::Spaces,
            _ => Role::Other,
        },
    }
}

/// Paragraphs of a body part in document order, and the first heading.
#[derive(Default)]
struct Body {
    paragraphs: Vec<String>,
    first_heading: Option<String>,
}

/// An open paragraph: its text so far, its heading level (`None`: not a heading) and its
/// element depth.
type Open = (String, Option<usize>, usize);

/// Reads the paragraphs of one XML part; `styles` are a Word document's paragraph styles.
fn read_body(
    xml: &[u8],
    flavour: Flavour,
    styles: &Styles,
    body: &mut Body,
) -> Result<(), Refusal> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut at = Reading {
        flavour,
        styles,
        open: Vec::new(),
        depth: 0,
        skip_until: None,
        in_w_t: false,
    };
    let damaged = |e: quick_xml::Error| Refusal::Damaged(format!("malformed XML ({e})"));
    loop {
        match reader.read_event_into(&mut buf).map_err(damaged)? {
            Event::Start(e) => at.start(&e),
            Event::Empty(e) => at.empty(&e),
            Event::Text(t) if at.in_text() => push(&mut at.open, &xml::text(&t)),
            Event::GeneralRef(r) if at.in_text() => {
                push(&mut at.open, &xml::reference(&r).unwrap_or_default());
            }
            Event::End(e) => at.end(&e, body),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

/// Where [`read_body`] is in the XML.
struct Reading<'a> {
    flavour: Flavour,
    styles: &'a Styles,
    /// Open paragraphs, innermost last.
    open: Vec<Open>,
    depth: usize,
    /// Inside a skipped element that began at this depth.
    skip_until: Option<usize>,
    /// In Word, text is only inside `w:t`; in ODT every text node of a paragraph is text.
    in_w_t: bool,
}

impl Reading<'_> {
    fn in_text(&self) -> bool {
        self.skip_until.is_none() && (self.flavour == Flavour::Open || self.in_w_t)
    }

    fn start(&mut self, e: &BytesStart) {
        self.depth += 1;
        if self.skip_until.is_some() {
            return;
        }
        match role(self.flavour, e) {
            Role::Skip => self.skip_until = Some(self.depth),
            Role::Paragraph { heading } => {
                let level = if heading {
                    Some(levels::open_document_level(xml::attr(e, "outline-level")))
                } else {
                    xml::attr(e, "style-name").and_then(|s| levels::level_of_name(&s))
                };
                self.open.push((String::new(), level, self.depth));
            }
            Role::Text => self.in_w_t = true,
            Role::Space | Role::Spaces => push(&mut self.open, " "),
            Role::Other => mark_heading(self.flavour, self.styles, &mut self.open, e),
        }
    }

    fn empty(&mut self, e: &BytesStart) {
        if self.skip_until.is_some() {
            return;
        }
        match role(self.flavour, e) {
            Role::Space => push(&mut self.open, " "),
            Role::Spaces => {
                let n: usize = xml::attr(e, "c").and_then(|c| c.parse().ok()).unwrap_or(1);
                push(&mut self.open, &" ".repeat(n.min(8)));
            }
            Role::Paragraph { .. } => {}
            _ => mark_heading(self.flavour, self.styles, &mut self.open, e),
        }
    }

    /// The end of an element: a skipped one's ends the skipping, a paragraph's adds it to `body`.
    fn end(&mut self, e: &BytesEnd, body: &mut Body) {
        if let Some(level) = self.skip_until {
            if level == self.depth {
                self.skip_until = None;
            }
        } else if self.open.last().is_some_and(|&(_, _, d)| d == self.depth) {
            if let Some((text, heading, _)) = self.open.pop() {
                let text = super::collapse_whitespace(&text);
                if !text.is_empty() {
                    if heading.is_some() && body.first_heading.is_none() {
                        body.first_heading = Some(text.clone());
                    }
                    body.paragraphs.push(match heading {
                        Some(level) => format!("{}{text}", super::heading_marks(level)),
                        None => text,
                    });
                }
            }
        } else if e.name().as_ref() == "w:t" {
            self.in_w_t = false;
        }
        self.depth = self.depth.saturating_sub(1);
    }
}

fn push(open: &mut [Open], text: &str) {
    if let Some((paragraph, _, _)) = open.last_mut() {
        paragraph.push_str(text);
    }
}

/// A Word paragraph's style (`w:pStyle`) or its own outline level (`w:outlineLvl`, which wins)
/// makes the open paragraph a heading of that level.
fn mark_heading(flavour: Flavour, styles: &Styles, open: &mut [Open], e: &BytesStart) {
    if flavour != Flavour::Word {
        return;
    }
    let (Some(value), Some((_, heading, _))) = (xml::attr(e, "val"), open.last_mut()) else {
        return;
    };
    match e.name().as_ref() {
        "w:pStyle" => *heading = heading.or(styles.level(&value)),
        "w:outlineLvl" => *heading = levels::outline_level(&value),
        _ => {}
    }
}

fn finish(body: Body, meta: xml::Meta) -> Extracted {
    let (date, lang) = (meta.date(), meta.lang());
    Extracted {
        title: meta.title.or(body.first_heading).unwrap_or_default(),
        text: body.paragraphs.join("\n\n"),
        author: meta.author,
        date,
        lang,
        ..Extracted::default()
    }
}

/// A Word document: `word/document.xml`, then its footnotes and endnotes.
pub fn docx(bytes: &[u8]) -> Result<Extracted, Refusal> {
    let mut archive = open(bytes)?;
    let document = part(&mut archive, "word/document.xml")?
        .ok_or_else(|| Refusal::Damaged("no word/document.xml: not a Word document".into()))?;
    let styles = match part(&mut archive, "word/styles.xml")? {
        Some(xml) => Styles::parse(&xml),
        None => Styles::default(),
    };
    let mut body = Body::default();
    read_body(&document, Flavour::Word, &styles, &mut body)?;
    for notes in ["word/footnotes.xml", "word/endnotes.xml"] {
        if let Some(xml) = part(&mut archive, notes)? {
            read_body(&xml, Flavour::Word, &styles, &mut body)?;
        }
    }
    let meta = match part(&mut archive, "docProps/core.xml")? {
        Some(xml) => xml::dublin_core(&xml),
        None => xml::Meta::default(),
    };
    Ok(finish(body, meta))
}

/// An OpenDocument text: `content.xml` and `meta.xml`.
pub fn odt(bytes: &[u8]) -> Result<Extracted, Refusal> {
    let mut archive = open(bytes)?;
    let content = part(&mut archive, "content.xml")?
        .ok_or_else(|| Refusal::Damaged("no content.xml: not an OpenDocument file".into()))?;
    let mut body = Body::default();
    read_body(&content, Flavour::Open, &Styles::default(), &mut body)?;
    let meta = match part(&mut archive, "meta.xml")? {
        Some(xml) => xml::dublin_core(&xml),
        None => xml::Meta::default(),
    };
    Ok(finish(body, meta))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut out);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            for (name, text) in files {
                zip.start_file(*name, options).expect("zip entry");
                zip.write_all(text.as_bytes()).expect("zip write");
            }
            zip.finish().expect("zip");
        }
        out.into_inner()
    }

    #[test]
    fn word_body_rules() {
        let doc = r#"<w:document xmlns:w="w" xmlns:mc="mc"><w:body>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Samarbejde</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Kommunen </w:t></w:r><w:del><w:r><w:delText>slettetord</w:delText></w:r></w:del><w:ins><w:r><w:t xml:space="preserve">indsatord </w:t></w:r></w:ins>
<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> TITLE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>feltresultat</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>
<w:r><mc:AlternateContent><mc:Choice><w:drawing><w:txbxContent><w:p><w:r><w:t>tekstboks</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>tekstboks</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>cellealfa</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>cellebeta</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>"#;
        let core = r#"<cp:coreProperties xmlns:dc="dc" xmlns:dcterms="t"><dc:title>Elementer &amp; mere</dc:title><dc:creator>Anne</dc:creator><dcterms:created>2024-03-01T10:00:00Z</dcterms:created><dc:language>da-DK</dc:language></cp:coreProperties>"#;
        let bytes = zip_of(&[("word/document.xml", doc), ("docProps/core.xml", core)]);
        let x = docx(&bytes).expect("docx");
        assert_eq!(
            x.text,
            "# Samarbejde\n\ntekstboks\n\nKommunen indsatord feltresultat\n\ncellealfa\n\ncellebeta"
        );
        assert_eq!(x.title, "Elementer & mere");
        assert_eq!(x.author.as_deref(), Some("Anne"));
        assert_eq!(x.date.map(|d| d.to_string()).as_deref(), Some("2024-03-01"));
        assert_eq!(x.lang, Some(crate::lang::Lang::Da));
    }

    #[test]
    fn open_document_body_rules() {
        let content = r#"<office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text>
<text:tracked-changes><text:changed-region><text:deletion><text:p>slettetord</text:p></text:deletion></text:changed-region></text:tracked-changes>
<text:h text:outline-level="1">Overskrift her</text:h>
<text:p>En<text:s text:c="2"/>tekst<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>fodnoteord</text:p></text:note-body></text:note> slut &amp; mere</text:p>
</office:text></office:body></office:document-content>"#;
        let bytes = zip_of(&[("content.xml", content)]);
        let x = odt(&bytes).expect("odt");
        assert_eq!(
            x.text,
            "# Overskrift her\n\nfodnoteord\n\nEn tekst slut & mere"
        );
        assert_eq!(x.title, "Overskrift her");
    }

    #[test]
    fn word_headings_have_their_outline_levels() {
        let doc = r#"<w:document xmlns:w="w"><w:body>
<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>Vejledning</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>7 Kom i gang</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Overskrift2"/></w:pPr><w:r><w:t>7.3 Brugerhåndtering</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Punkt"/></w:pPr><w:r><w:t>7.3.1 Tilføje brugere</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Normal"/><w:outlineLvl w:val="3"/></w:pPr><w:r><w:t>Eget niveau</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Normal"/></w:pPr><w:r><w:t>Klik på Tilføj.</w:t></w:r></w:p>
</w:body></w:document>"#;
        let styles = r#"<w:styles xmlns:w="w">
<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Punkt"><w:name w:val="Punkt"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
</w:styles>"#;
        let bytes = zip_of(&[("word/document.xml", doc), ("word/styles.xml", styles)]);
        let x = docx(&bytes).expect("docx");
        assert_eq!(
            x.text,
            "# Vejledning\n\n# 7 Kom i gang\n\n## 7.3 Brugerhåndtering\n\n### 7.3.1 Tilføje brugere\n\n#### Eget niveau\n\nKlik på Tilføj."
        );
    }

    #[test]
    fn open_document_headings_have_their_outline_levels() {
        let content = r#"<office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text>
<text:h text:style-name="Heading_20_1" text:outline-level="1">Kom i gang</text:h>
<text:h text:style-name="Heading_20_2" text:outline-level="2">Brugerhåndtering</text:h>
<text:h text:outline-level="3">Tilføje brugere</text:h>
<text:p text:style-name="Heading_20_2">Afsnit som stil</text:p>
<text:p text:style-name="Text_20_body">Klik på Tilføj.</text:p>
</office:text></office:body></office:document-content>"#;
        let bytes = zip_of(&[("content.xml", content)]);
        assert_eq!(
            odt(&bytes).expect("odt").text,
            "# Kom i gang\n\n## Brugerhåndtering\n\n### Tilføje brugere\n\n## Afsnit som stil\n\nKlik på Tilføj."
        );
    }

    #[test]
    fn damaged_archives_are_refused() {
        assert!(matches!(
            docx(b"PK\x03\x04 broken"),
            Err(Refusal::Damaged(_))
        ));
        let bytes = zip_of(&[("content.xml", "<a>")]);
        assert!(matches!(docx(&bytes), Err(Refusal::Damaged(_))));
    }
}
