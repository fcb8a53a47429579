//! Logins the school issues: Latin letters from the person's name, as families type them.

/// The Latin spelling of a Russian name (the simple passport scheme: ж → zh, ц → ts, щ → shch,
/// ъ and ь dropped); other characters pass through if they are ASCII letters or digits.
pub fn transliterate(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        let latin = match lower {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' | 'й' => "i",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ы' => "y",
            'ю' => "iu",
            'я' => "ia",
            'ъ' | 'ь' => "",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "",
        };
        if c.is_uppercase() {
            let mut chars = latin.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push_str(latin);
        }
    }
    out
}

/// The login a school would give: surname and initials in Latin letters, «ИвановИП» → `IvanovIP`.
/// The caller adds a number when it is taken.
pub fn suggest_login(last_name: &str, first_name: &str, middle_name: &str) -> String {
    let initial = |s: &str| {
        s.trim()
            .chars()
            .next()
            .map(|c| transliterate(&c.to_uppercase().to_string()))
            .unwrap_or_default()
    };
    let mut login = transliterate(last_name.trim());
    if let Some(first) = login.get(..1) {
        login = first.to_ascii_uppercase() + &login[1..];
    }
    // A multi-letter initial (Ж → Zh) keeps only its capital, as people write initials.
    for part in [first_name, middle_name] {
        login.extend(initial(part).chars().next());
    }
    if login.is_empty() {
        "user".into()
    } else {
        login
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_letters_become_latin() {
        assert_eq!(transliterate("Щукина Юлия"), "ShchukinaIuliia");
        assert_eq!(transliterate("Подъячев"), "Podiachev");
        assert_eq!(transliterate("Ёлкин-Жуков 2"), "ElkinZhukov2");
    }

    #[test]
    fn logins_are_surname_and_initials() {
        assert_eq!(suggest_login("Иванов", "Пётр", "Сергеевич"), "IvanovPS");
        assert_eq!(suggest_login("Жукова", "Анна", ""), "ZhukovaA");
        assert_eq!(suggest_login("", "", ""), "user");
    }
}
