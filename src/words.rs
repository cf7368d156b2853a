//! The closed vocabularies of our files: `side: buyer`, `better: lower`,
//! `severity: high`, `paper: a4`... Each enum lists its words once, here or where
//! it is defined, through `vocabulary!`; reading a word from YAML (with "did you
//! mean"), printing it, serialising it and offering it on the command line all
//! read that one list.

/// An enum whose values are written as words.
pub trait Word: Copy + PartialEq + 'static {
    /// Every value with the word our files write for it, in the order messages
    /// list them.
    const WORDS: &'static [(&'static str, Self)];
    /// Other spellings that are accepted but never printed (`markdown` for `md`).
    const ALIASES: &'static [(&'static str, Self)] = &[];

    /// The word for this value.
    fn word(self) -> &'static str {
        Self::WORDS
            .iter()
            .find(|(_, v)| *v == self)
            .map_or("", |(w, _)| w)
    }

    /// The value a word (or an alias) stands for.
    fn from_word(word: &str) -> Option<Self> {
        Self::WORDS
            .iter()
            .chain(Self::ALIASES)
            .find(|(w, _)| *w == word)
            .map(|(_, v)| *v)
    }

    /// The words, for messages ("one of `buyer`, `seller`").
    fn words() -> impl Iterator<Item = &'static str> {
        Self::WORDS.iter().map(|(w, _)| *w)
    }
}

/// Defines an enum of words: the enum, its `Word` list (a word may be followed
/// by `| "alias"` spellings that are read but never written), `Serialize` as the
/// word, and `Display`.
///
/// ```text
/// vocabulary! {
///     /// Which side of the table we are on.
///     pub enum Side { Buyer = "buyer", Seller = "seller" }
/// }
/// ```
#[macro_export]
macro_rules! vocabulary {
    ($(#[$meta:meta])* pub enum $name:ident {
        $($(#[$vmeta:meta])* $variant:ident = $word:literal $(| $alias:literal)*),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in the order of the words.
            pub const VALUES: &'static [$name] = &[$($name::$variant),+];
        }

        impl $crate::words::Word for $name {
            const WORDS: &'static [(&'static str, Self)] = &[$(($word, $name::$variant)),+];
            const ALIASES: &'static [(&'static str, Self)] = &[$($(($alias, $name::$variant),)*)+];
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str($crate::words::Word::word(*self))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::words::Word::word(*self))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::Word;

    crate::vocabulary! {
        /// A test vocabulary.
        pub enum Colour { Red = "red", DarkBlue = "dark_blue" | "navy" }
    }

    #[test]
    fn words_round_trip_and_serialise() {
        assert_eq!(Colour::DarkBlue.word(), "dark_blue");
        assert_eq!(Colour::from_word("red"), Some(Colour::Red));
        assert_eq!(Colour::from_word("Red"), None);
        assert_eq!(Colour::from_word("navy"), Some(Colour::DarkBlue));
        assert_eq!(Colour::words().collect::<Vec<_>>(), ["red", "dark_blue"]);
        assert_eq!(
            serde_json::to_string(&Colour::DarkBlue).expect("serialises"),
            "\"dark_blue\""
        );
        assert_eq!(Colour::Red.to_string(), "red");
        assert_eq!(Colour::VALUES, [Colour::Red, Colour::DarkBlue]);
    }
}
