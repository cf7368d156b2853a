//! What a build can write, as closed sets: the formats a user asks for
//! (`--format md,pdf`), the paper size, and the artifacts — the files of one
//! brief's output folder. File names are written here and nowhere else.

use crate::words::Word;

crate::vocabulary! {
    /// An output format, as `--format` and `formats:` name it.
    pub enum Format {
        Markdown = "md" | "markdown",
        Html = "html",
        Pdf = "pdf",
        Typst = "typst" | "typ",
        Email = "eml" | "email",
        Json = "json",
    }
}

impl Format {
    /// Every format, in the order they are listed.
    pub const ALL: &'static [Format] = Format::VALUES;

    /// A format from a word or one of its other spellings, case-insensitively;
    /// the error says which words there are.
    pub fn parse(s: &str) -> Result<Format, String> {
        let word = s.trim().to_ascii_lowercase();
        Format::from_word(&word).ok_or_else(|| {
            let hint = crate::diag::did_you_mean(&word, Format::words())
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            format!(
                "unknown format `{word}`{hint}; the formats are: {}",
                Format::words().collect::<Vec<_>>().join(", ")
            )
        })
    }
}

crate::vocabulary! {
    /// Paper size for printed outputs.
    pub enum Paper {
        A4 = "a4",
        Letter = "letter",
    }
}

/// One file of a brief's output folder (DESIGN §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Artifact {
    PrepPackMarkdown,
    PrepPackHtml,
    LetterMarkdown,
    PrepPackTypst,
    LetterTypst,
    PrepPackPdf,
    LetterPdf,
    Email,
    Assessment,
}

impl Artifact {
    /// Every artifact, in the order a build writes them.
    pub const ALL: [Artifact; 9] = [
        Artifact::PrepPackMarkdown,
        Artifact::PrepPackHtml,
        Artifact::LetterMarkdown,
        Artifact::PrepPackTypst,
        Artifact::LetterTypst,
        Artifact::PrepPackPdf,
        Artifact::LetterPdf,
        Artifact::Email,
        Artifact::Assessment,
    ];

    /// The file's name inside `OUT/<brief>/`.
    pub fn file_name(self) -> &'static str {
        match self {
            Artifact::PrepPackMarkdown => "prep-pack.md",
            Artifact::PrepPackHtml => "prep-pack.html",
            Artifact::LetterMarkdown => "letter.md",
            Artifact::PrepPackTypst => "prep-pack.typ",
            Artifact::LetterTypst => "letter.typ",
            Artifact::PrepPackPdf => "prep-pack.pdf",
            Artifact::LetterPdf => "letter.pdf",
            Artifact::Email => "email.eml",
            Artifact::Assessment => "assessment.json",
        }
    }

    /// The format that writes it.
    pub fn format(self) -> Format {
        match self {
            Artifact::PrepPackMarkdown | Artifact::LetterMarkdown => Format::Markdown,
            Artifact::PrepPackHtml => Format::Html,
            Artifact::PrepPackTypst | Artifact::LetterTypst => Format::Typst,
            Artifact::PrepPackPdf | Artifact::LetterPdf => Format::Pdf,
            Artifact::Email => Format::Email,
            Artifact::Assessment => Format::Json,
        }
    }

    /// Whether it is part of the walk-away letter (written only when a letter
    /// is, and removed when the letter no longer applies).
    pub fn is_letter(self) -> bool {
        matches!(
            self,
            Artifact::LetterMarkdown
                | Artifact::LetterTypst
                | Artifact::LetterPdf
                | Artifact::Email
        )
    }

    /// What to write for these formats, with or without the letter, in order.
    pub fn plan(formats: &[Format], letter: bool) -> Vec<Artifact> {
        Artifact::ALL
            .into_iter()
            .filter(|a| formats.contains(&a.format()) && (letter || !a.is_letter()))
            .collect()
    }

    /// The positions in `plan` in the order to start on them: the PDFs
    /// first, the rest in plan order. A PDF takes longer to render than the
    /// other formats together, so it starts at once while the others go to a
    /// second core when one is free; and it is the file most likely open
    /// beside the editor while `watch` runs.
    pub fn slowest_first(plan: &[Artifact]) -> Vec<usize> {
        let mut order: Vec<usize> = (0..plan.len()).collect();
        order.sort_by_key(|&i| plan[i].format() != Format::Pdf);
        order
    }

    /// The letter's artifacts these formats would write: what a build removes
    /// when the letter no longer applies.
    pub fn letters_of(formats: &[Format]) -> impl Iterator<Item = Artifact> + '_ {
        Artifact::ALL
            .into_iter()
            .filter(|a| a.is_letter() && formats.contains(&a.format()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_with_aliases_and_suggestions() {
        assert_eq!(Format::parse(" Markdown "), Ok(Format::Markdown));
        assert_eq!(Format::parse("typ"), Ok(Format::Typst));
        assert_eq!(Format::Email.word(), "eml");
        let e = Format::parse("pfd").expect_err("unknown");
        assert_eq!(
            e,
            "unknown format `pfd` (did you mean `pdf`?); the formats are: md, html, pdf, typst, eml, json"
        );
    }

    #[test]
    fn the_pdfs_are_started_first_and_the_rest_keep_their_order() {
        let plan = Artifact::plan(Format::ALL, true);
        let started: Vec<Artifact> = Artifact::slowest_first(&plan)
            .into_iter()
            .map(|i| plan[i])
            .collect();
        assert_eq!(
            started,
            [
                Artifact::PrepPackPdf,
                Artifact::LetterPdf,
                Artifact::PrepPackMarkdown,
                Artifact::PrepPackHtml,
                Artifact::LetterMarkdown,
                Artifact::PrepPackTypst,
                Artifact::LetterTypst,
                Artifact::Email,
                Artifact::Assessment,
            ]
        );
        let plan = Artifact::plan(&[Format::Json, Format::Html], false);
        assert_eq!(Artifact::slowest_first(&plan), [0, 1]);
    }

    #[test]
    fn a_plan_follows_the_formats_and_the_letter() {
        let plan = Artifact::plan(&[Format::Pdf, Format::Markdown], true);
        assert_eq!(
            plan,
            [
                Artifact::PrepPackMarkdown,
                Artifact::LetterMarkdown,
                Artifact::PrepPackPdf,
                Artifact::LetterPdf
            ]
        );
        let plan = Artifact::plan(&[Format::Email, Format::Json], false);
        assert_eq!(plan, [Artifact::Assessment]);
        let letters: Vec<_> = Artifact::letters_of(&[Format::Email, Format::Html]).collect();
        assert_eq!(letters, [Artifact::Email]);
    }
}
