//! Paper letters: messages for people who chose to receive mail on paper, one page each, printed
//! by the class teacher from the print queue.

use typst::foundations::{Dict, IntoValue};

use crate::{ReportError, pdf};

/// One letter.
#[derive(Debug, Clone, Default)]
pub struct Letter {
    /// The school's name, printed at the top.
    pub school: String,
    /// Who receives it.
    pub recipient: String,
    /// Who wrote it.
    pub author: String,
    /// When it was sent, already formatted (e.g. «23.11.2026»).
    pub date: String,
    /// The subject.
    pub subject: String,
    /// Plain text; line breaks are kept.
    pub text: String,
    /// The portal's address, mentioned at the foot when known.
    pub portal_url: String,
}

/// The letters as one PDF, one per page.
pub fn letters_pdf(letters: &[Letter]) -> Result<Vec<u8>, ReportError> {
    let mut inputs = Dict::new();
    inputs.insert(
        "letters".into(),
        pdf::array(letters.iter().map(|l| letter_value(l).into_value())),
    );
    pdf::render("letters.typ", inputs)
}

fn letter_value(l: &Letter) -> Dict {
    pdf::dict([
        ("school", l.school.trim()),
        ("recipient", l.recipient.trim()),
        ("author", l.author.trim()),
        ("date", l.date.trim()),
        ("subject", l.subject.trim()),
        ("text", l.text.trim_end()),
        ("portal_url", l.portal_url.trim()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_become_one_page_each_and_markup_is_not_run() {
        let letter = Letter {
            school: "МБОУ СОШ №1".into(),
            recipient: "Иванова Мария".into(),
            author: "Петрова А.И.".into(),
            date: "23.11.2026".into(),
            subject: "Собрание #set page(paper: \"a5\")".into(),
            text: "Строка один\nСтрока два $x$ [y]".into(),
            portal_url: String::new(),
        };
        let pdf = letters_pdf(&[letter.clone(), letter]).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        let empty = letters_pdf(&[]).unwrap();
        assert!(empty.starts_with(b"%PDF"));
    }
}
