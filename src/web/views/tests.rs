use super::*;

#[test]
fn doc_urls_encode_segments_but_keep_slashes() {
    assert_eq!(
        doc_url("irm/dk0058 strategy.txt", None),
        "/doc/irm/dk0058%20strategy.txt"
    );
    assert_eq!(
        doc_url("news/århus.txt", Some("a&b")),
        "/doc/news/%C3%A5rhus.txt?q=a%26b"
    );
}

#[test]
fn the_other_language_is_the_same_address_with_ui_changed() {
    assert_eq!(other_language("/search?q=a&ui=en", Ui::Da), "/search?q=a");
    assert_eq!(other_language("/search?q=a", Ui::En), "/search?q=a&ui=en");
    assert_eq!(other_language("/", Ui::En), "/?ui=en");
    assert_eq!(other_language("/?ui=en", Ui::Da), "/");
}
