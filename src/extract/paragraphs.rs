//! Text in paragraphs, as extraction writes it: whitespace collapsed, paragraphs apart by a
//! blank line.

/// Whitespace runs collapsed to one space, on one paragraph.
pub(crate) fn collapse_whitespace(text: &str) -> String {
    let mut b = ParagraphBuilder::default();
    b.push(text);
    b.finish()
}

/// Text in paragraphs: pushed pieces are joined, whitespace runs collapsed to one space, and
/// non-empty paragraphs separated by a blank line, written straight into one string.
#[derive(Default)]
pub(super) struct ParagraphBuilder {
    text: String,
    current: String,
}

impl ParagraphBuilder {
    pub(super) fn push(&mut self, text: &str) {
        self.current.push_str(text);
    }

    pub(super) fn break_paragraph(&mut self) {
        let mut words = self.current.split_whitespace();
        // Heading marks without a heading (an empty `<h2>`) are no paragraph.
        if self.current.trim().bytes().all(|b| b == b'#') {
            self.current.clear();
            return;
        }
        if let Some(first) = words.next() {
            if !self.text.is_empty() {
                self.text.push_str("\n\n");
            }
            self.text.push_str(first);
            for word in words {
                self.text.push(' ');
                self.text.push_str(word);
            }
        }
        self.current.clear();
    }

    pub(super) fn finish(mut self) -> String {
        self.break_paragraph();
        self.text
    }
}
