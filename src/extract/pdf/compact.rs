//! A page of a PDF kept for the end of its extraction, in little memory: its words in one string,
//! its lines as ranges of them, expanded to a [`Page`] again when its text is made.

use super::pages::{Line, Page};

/// A page kept for the end: its words in one string, its lines as ranges of them.
pub(super) struct Compact {
    height: f32,
    words: String,
    /// Where each word ends in `words`.
    ends: Vec<u32>,
    lines: Vec<CompactLine>,
}

struct CompactLine {
    block: u32,
    /// Where the line's words end in `ends`.
    end: u32,
    y_min: f32,
    y_max: f32,
}

impl Compact {
    pub(super) fn new(page: Page) -> Compact {
        let mut compact = Compact {
            height: page.height,
            words: String::new(),
            ends: Vec::new(),
            lines: Vec::new(),
        };
        for (b, block) in page.blocks.into_iter().enumerate() {
            for line in block {
                for word in &line.words {
                    compact.words.push_str(word);
                    compact.ends.push(compact.words.len() as u32);
                }
                compact.lines.push(CompactLine {
                    block: b as u32,
                    end: compact.ends.len() as u32,
                    y_min: line.y_min,
                    y_max: line.y_max,
                });
            }
        }
        compact.words.shrink_to_fit();
        compact.ends.shrink_to_fit();
        compact.lines.shrink_to_fit();
        compact
    }

    /// The page again, with the same block and line indexes (blocks without lines, which make
    /// no text, are left out at the end).
    pub(super) fn expand(self) -> Page {
        let mut page = Page {
            height: self.height,
            blocks: Vec::new(),
        };
        let (mut word, mut start) = (0, 0);
        for line in &self.lines {
            let block = line.block as usize;
            if page.blocks.len() <= block {
                page.blocks.resize_with(block + 1, Vec::new);
            }
            let mut words = Vec::with_capacity((line.end as usize).saturating_sub(word));
            while word < line.end as usize {
                let end = self.ends[word] as usize;
                words.push(self.words[start..end].to_string());
                (word, start) = (word + 1, end);
            }
            page.blocks[block].push(Line {
                words,
                y_min: line.y_min,
                y_max: line.y_max,
                last_x_max: 0.0,
            });
        }
        page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(words: &str, y: f32) -> Line {
        Line {
            words: words.split(' ').map(str::to_string).collect(),
            y_min: y,
            y_max: y + 10.0,
            last_x_max: 0.0,
        }
    }

    #[test]
    fn a_kept_page_comes_back_as_it_was() {
        let original = Page {
            height: 700.0,
            blocks: vec![
                vec![line("første linje", 10.0), line("anden", 30.0)],
                Vec::new(),
                vec![Line::default(), line("sidste blok", 600.0)],
            ],
        };
        let back = Compact::new(original.clone()).expand();
        assert_eq!(back.height, original.height);
        assert_eq!(back.blocks.len(), 3);
        for (b, block) in original.blocks.iter().enumerate() {
            let words: Vec<&Vec<String>> = block.iter().map(|l| &l.words).collect();
            let again: Vec<&Vec<String>> = back.blocks[b].iter().map(|l| &l.words).collect();
            assert_eq!(words, again);
        }
        assert_eq!(back.blocks[2][1].y_min, 600.0);
    }
}
