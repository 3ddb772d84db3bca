//! Question words in Danish and English, and the kind of answer a question asks for.
//!
//! The one place that knows them: the answer stage ([`crate::search`]) reads the answer type
//! from them, and they are never content words of a question (`Hvornår`, `When` are nowhere in
//! the passage that answers). The answer type comes from the question words and the function
//! words after them (`Hvem kan`, `How do I`), never from the content words.

use crate::lang::Lang;

/// What kind of passage answers a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerType {
    /// `Hvad er X`, `What is X`: a passage defining X or expanding its acronym.
    Definition,
    /// `Hvem kan`, `Who can`: who may or must (eligibility).
    Eligibility,
    /// `Hvornår`, `When`: a date or a time.
    Date,
    /// `Hvordan`, `How do I`: steps.
    Steps,
    /// `Hvor mange`, `How much`: a number.
    Amount,
    /// `Hvor`, `Where`: a place (a menu, a folder, a page).
    Place,
}

const DANISH: &[&str] = &[
    "hvad",
    "hvem",
    "hvornår",
    "hvordan",
    "hvor",
    "hvorfor",
    "hvilken",
    "hvilket",
    "hvilke",
    "hvorledes",
];
const ENGLISH: &[&str] = &[
    "what", "who", "whom", "whose", "when", "how", "where", "why", "which",
];

/// True for a lowercased question word of `lang` (`hvornår`, `when`).
pub fn is_question_word(word: &str, lang: Lang) -> bool {
    match lang {
        Lang::Da => DANISH.contains(&word),
        Lang::En => ENGLISH.contains(&word),
    }
}

/// True for a question word of either language.
pub fn is_any_question_word(word: &str) -> bool {
    is_question_word(word, Lang::Da) || is_question_word(word, Lang::En)
}

/// The answer type a question asks for, from its lowercased words in order; `None` for a query
/// that is no question, or a question whose words tell no type (`Hvorfor`, `Which`).
pub fn question_type<S: AsRef<str>>(words: &[S]) -> Option<AnswerType> {
    let at = words
        .iter()
        .position(|w| is_any_question_word(w.as_ref()))?;
    let word = words[at].as_ref();
    let next = words.get(at + 1).map(|w| w.as_ref()).unwrap_or("");
    use AnswerType::*;
    match (word, next) {
        ("hvad" | "what", "er" | "betyder" | "is" | "are" | "does" | "means" | "menes") => {
            Some(Definition)
        }
        (
            "hvem" | "who",
            "kan" | "må" | "skal" | "har" | "can" | "may" | "is" | "are" | "qualifies",
        ) => Some(Eligibility),
        ("hvornår" | "when", _) => Some(Date),
        (
            "hvor" | "how",
            "mange" | "meget" | "stor" | "lang" | "many" | "much" | "long" | "big",
        ) => Some(Amount),
        ("hvordan" | "hvorledes" | "how", _) => Some(Steps),
        ("hvor" | "where", _) => Some(Place),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(q: &str) -> Option<AnswerType> {
        let words: Vec<String> = crate::analysis::lower_words(q).map(|(_, w)| w).collect();
        question_type(&words)
    }

    #[test]
    fn question_words_tell_the_answer_type_in_both_languages() {
        assert_eq!(of("Hvad er en pivottabel?"), Some(AnswerType::Definition));
        assert_eq!(of("What is DHCP"), Some(AnswerType::Definition));
        assert_eq!(
            of("Hvem kan søge om tilskud?"),
            Some(AnswerType::Eligibility)
        );
        assert_eq!(
            of("Who can apply for a grant?"),
            Some(AnswerType::Eligibility)
        );
        assert_eq!(of("Hvornår åbner biblioteket"), Some(AnswerType::Date));
        assert_eq!(of("when does the library open"), Some(AnswerType::Date));
        assert_eq!(
            of("Hvordan sletter jeg et sideskift?"),
            Some(AnswerType::Steps)
        );
        assert_eq!(of("How do I delete a page break"), Some(AnswerType::Steps));
        assert_eq!(of("hvor mange ord er der"), Some(AnswerType::Amount));
        assert_eq!(of("How much memory do I need"), Some(AnswerType::Amount));
        assert_eq!(of("Hvor finder jeg menuen"), Some(AnswerType::Place));
        assert_eq!(of("where is the menu"), Some(AnswerType::Place));
    }

    #[test]
    fn a_query_without_question_words_has_no_type() {
        assert_eq!(of("sideskift slette"), None);
        assert_eq!(of("Hvorfor virker det ikke"), None);
        assert_eq!(of(""), None);
    }

    #[test]
    fn question_words_belong_to_their_language() {
        assert!(is_question_word("hvornår", Lang::Da));
        assert!(!is_question_word("hvornår", Lang::En));
        assert!(is_question_word("when", Lang::En));
        assert!(!is_question_word("sideskift", Lang::Da));
    }
}
