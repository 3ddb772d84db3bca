//! Editions on the search side: each hit carries the other edition of its text, from the links
//! ingestion wrote beside the index ([`crate::editions::store`]); of two editions that both made
//! the results, the lower is left out, attached to the higher. The higher is the reader's
//! edition when the query's language is known, because the reader's edition ranks first
//! ([`crate::query::Plan`]).

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};
use tantivy::DocAddress;

use super::{Engine, Hit};
use crate::editions::store::{self, Edition};

/// Each linked document's other edition, by id.
pub(super) type Links = FxHashMap<String, Edition>;

impl Engine {
    /// The index's links, read again when their file has changed (one `stat` a search).
    pub(super) fn editions(&self) -> Arc<Links> {
        self.editions
            .get(|path| store::read(path.parent().unwrap_or(path)))
    }
}

/// Gives each hit its other edition, and leaves out a hit whose other edition is ranked above
/// it in the reader's language `reader` (`da`, `en`; with its address, so `hits` and `addresses` stay in
/// step). Where both editions made the results and the other is above the reader's, the
/// reader's takes its place first ([`readers_first`]). When the query's language cannot be told,
/// both editions stay hits: hiding the edition the reader wanted behind the other is worse than
/// showing two.
pub(super) fn attach(
    hits: &mut Vec<Hit>,
    addresses: &mut Vec<DocAddress>,
    links: &Links,
    reader: Option<&str>,
    may_see: impl Fn(&str) -> bool,
) {
    if links.is_empty() {
        return;
    }
    readers_first(hits, addresses, links, reader, &may_see);
    // The hits above, in the reader's language.
    let mut readers: FxHashSet<String> = FxHashSet::default();
    let mut keep = Vec::with_capacity(hits.len());
    for hit in hits.iter_mut() {
        // An edition the reader may not open is not named (nor is a hit left out for it).
        let other = links.get(&hit.id).filter(|o| may_see(&o.id));
        let attached = other.is_some_and(|o| readers.contains(&o.id));
        keep.push(!attached);
        if !attached {
            if reader == Some(hit.lang.as_str()) {
                readers.insert(hit.id.clone());
            }
            hit.editions = other.cloned().into_iter().collect();
        }
    }
    let mut flags = keep.iter();
    hits.retain(|_| flags.next().copied().unwrap_or(true));
    let mut flags = keep.iter();
    addresses.retain(|_| flags.next().copied().unwrap_or(true));
}

/// Moves each hit in the reader's language up to the place of its other edition, when that is
/// ranked above it: the other edition of the same text outscored it on its words (a Danish
/// manual quoting the English passage an English question names), not on its subject. Its
/// score stays its own.
fn readers_first(
    hits: &mut [Hit],
    addresses: &mut [DocAddress],
    links: &Links,
    reader: Option<&str>,
    may_see: &impl Fn(&str) -> bool,
) {
    let Some(reader) = reader else {
        return;
    };
    for above in 0..hits.len() {
        if hits[above].lang == reader {
            continue;
        }
        let Some(other) = links
            .get(&hits[above].id)
            .filter(|o| o.lang == reader && may_see(&o.id))
        else {
            continue;
        };
        if let Some(below) = hits[above..].iter().position(|h| h.id == other.id) {
            hits[above..=above + below].rotate_right(1);
            addresses[above..=above + below].rotate_right(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(id: &str) -> Hit {
        crate::search::present::test_hit(id, 1.0)
    }

    fn edition(id: &str, lang: &str) -> Edition {
        Edition {
            id: id.into(),
            lang: lang.into(),
            title: id.into(),
        }
    }

    #[test]
    fn the_lower_edition_is_attached_to_the_higher_and_left_out() {
        let mut links = Links::default();
        links.insert("en/a".into(), edition("da/a", "da"));
        links.insert("da/a".into(), edition("en/a", "en"));
        let mut hits = vec![hit("en/a"), hit("x"), hit("da/a"), hit("da/b")];
        let mut addresses: Vec<DocAddress> = (0..4).map(|i| DocAddress::new(0, i)).collect();
        // The query's language unknown: both editions stay, each naming the other.
        let (mut all, mut all_addresses) = (hits.clone(), addresses.clone());
        attach(&mut all, &mut all_addresses, &links, None, |_| true);
        assert_eq!(all.len(), 4);
        assert_eq!(all[2].editions, [edition("en/a", "en")]);
        // A Danish reader with the English edition first: the Danish edition takes its place,
        // the English one attached to it.
        let (mut all, mut all_addresses) = (hits.clone(), addresses.clone());
        attach(&mut all, &mut all_addresses, &links, Some("da"), |_| true);
        let ids: Vec<&str> = all.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["da/a", "x", "da/b"]);
        assert_eq!(
            all_addresses.iter().map(|a| a.doc_id).collect::<Vec<_>>(),
            [2, 1, 3]
        );
        assert_eq!(all[0].editions, [edition("en/a", "en")]);
        // An English reader: the Danish edition below is attached.
        attach(&mut hits, &mut addresses, &links, Some("en"), |_| true);
        let ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["en/a", "x", "da/b"]);
        assert_eq!(
            addresses.iter().map(|a| a.doc_id).collect::<Vec<_>>(),
            [0, 1, 3]
        );
        assert_eq!(hits[0].editions, [edition("da/a", "da")]);
        assert!(hits[1].editions.is_empty());
        // Alone in the results, an edition still names the other.
        let mut hits = vec![hit("da/a")];
        attach(
            &mut hits,
            &mut vec![DocAddress::new(0, 0)],
            &links,
            Some("da"),
            |_| true,
        );
        assert_eq!(hits[0].editions, [edition("en/a", "en")]);
        // An edition the reader may not open is not named.
        let mut hits = vec![hit("da/a")];
        let mut addresses = vec![DocAddress::new(0, 0)];
        attach(&mut hits, &mut addresses, &links, Some("da"), |id| {
            id != "en/a"
        });
        assert!(hits[0].editions.is_empty());
    }
}
