//! Russian names with correct gender forms, and the logins and display names made from them.

use super::rng::Rng;

/// Male or female: surnames and patronymics agree with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    Male,
    Female,
}

impl Gender {
    /// The code stored in `persons.gender`.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }
}

/// Surnames in the masculine form; [`surname_for`] makes the feminine one.
const SURNAMES: &[&str] = &[
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
    "Давыдов",
    "Беляев",
    "Герасимов",
    "Богданов",
    "Осипов",
    "Сидоров",
    "Матвеев",
    "Титов",
    "Марков",
    "Миронов",
    "Крылов",
    "Куликов",
    "Карпов",
    "Власов",
    "Мельников",
    "Денисов",
    "Гаврилов",
    "Тихонов",
    "Казаков",
    "Афанасьев",
    "Данилов",
    "Савельев",
    "Тимофеев",
    "Фомин",
    "Чернов",
    "Абрамов",
    "Мартынов",
    "Ефимов",
    "Федотов",
    "Щербаков",
    "Назаров",
    "Калинин",
    "Исаев",
    "Чернышёв",
    "Быков",
    "Маслов",
    "Родионов",
    "Коновалов",
    "Лазарев",
    "Воронин",
    "Климов",
    "Филатов",
    "Пономарёв",
    "Голубев",
    "Кудрявцев",
    "Прохоров",
    "Наумов",
    "Потапов",
    "Журавлёв",
    "Овчинников",
    "Трофимов",
    "Леонов",
    "Соболев",
    "Ермаков",
    "Колесников",
    "Гончаров",
    "Емельянов",
    "Никифоров",
    "Грачёв",
    "Котов",
    "Гришин",
    "Ефремов",
    "Архипов",
    "Громов",
    "Кириллов",
    "Малышев",
    "Панов",
    "Моисеев",
    "Румянцев",
    "Акимов",
    "Кондратьев",
    "Бирюков",
    "Горбунов",
    "Анисимов",
    "Ерёмин",
    "Тихомиров",
    "Галкин",
    "Лукьянов",
    "Михеев",
    "Скворцов",
    "Юдин",
    "Белоусов",
    "Нестеров",
    "Симонов",
    "Прокофьев",
    "Харитонов",
    "Князев",
    "Цветков",
    "Левин",
    "Митрофанов",
    "Воронов",
    "Аксёнов",
    "Мальцев",
    "Логинов",
    "Горшков",
    "Савин",
    "Краснов",
    "Майоров",
    "Демидов",
    "Елисеев",
    "Рыбаков",
    "Сафонов",
    "Плотников",
    "Дёмин",
    "Хохлов",
    "Жданов",
    "Вишневский",
    "Покровский",
    "Успенский",
    "Троицкий",
    "Введенский",
    "Яблонский",
    "Збруев",
    "Толстой",
    "Черных",
    "Седых",
    "Шевчук",
    "Ковальчук",
    "Бондаренко",
    "Шевченко",
    "Кравченко",
    "Ткаченко",
    "Мухаметов",
    "Сафин",
    "Гарипов",
    "Шарипов",
];

/// Adult men's names with the stem their children's patronymic is built on (stem + «ич»/«на»).
const MALE_ADULT: &[(&str, &str)] = &[
    ("Александр", "Александров"),
    ("Алексей", "Алексеев"),
    ("Андрей", "Андреев"),
    ("Антон", "Антонов"),
    ("Артём", "Артёмов"),
    ("Борис", "Борисов"),
    ("Вадим", "Вадимов"),
    ("Валерий", "Валерьев"),
    ("Василий", "Васильев"),
    ("Виктор", "Викторов"),
    ("Владимир", "Владимиров"),
    ("Владислав", "Владиславов"),
    ("Геннадий", "Геннадьев"),
    ("Георгий", "Георгиев"),
    ("Глеб", "Глебов"),
    ("Григорий", "Григорьев"),
    ("Денис", "Денисов"),
    ("Дмитрий", "Дмитриев"),
    ("Евгений", "Евгеньев"),
    ("Егор", "Егоров"),
    ("Иван", "Иванов"),
    ("Игорь", "Игорев"),
    ("Кирилл", "Кириллов"),
    ("Константин", "Константинов"),
    ("Леонид", "Леонидов"),
    ("Максим", "Максимов"),
    ("Матвей", "Матвеев"),
    ("Михаил", "Михайлов"),
    ("Николай", "Николаев"),
    ("Олег", "Олегов"),
    ("Павел", "Павлов"),
    ("Пётр", "Петров"),
    ("Роман", "Романов"),
    ("Руслан", "Русланов"),
    ("Сергей", "Сергеев"),
    ("Станислав", "Станиславов"),
    ("Степан", "Степанов"),
    ("Тимофей", "Тимофеев"),
    ("Фёдор", "Фёдоров"),
    ("Юрий", "Юрьев"),
    ("Ярослав", "Ярославов"),
    ("Эдуард", "Эдуардов"),
    ("Вячеслав", "Вячеславов"),
    ("Аркадий", "Аркадьев"),
];

const FEMALE_ADULT: &[&str] = &[
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Светлана",
    "Анна",
    "Мария",
    "Екатерина",
    "Юлия",
    "Анастасия",
    "Марина",
    "Надежда",
    "Галина",
    "Людмила",
    "Оксана",
    "Евгения",
    "Ксения",
    "Дарья",
    "Виктория",
    "Алёна",
    "Вера",
    "Любовь",
    "Лариса",
    "Нина",
    "Валентина",
    "Тамара",
    "Жанна",
    "Инна",
    "Кристина",
    "Яна",
    "Полина",
    "Алла",
    "Лилия",
];

const BOYS: &[&str] = &[
    "Александр",
    "Михаил",
    "Максим",
    "Артём",
    "Иван",
    "Дмитрий",
    "Матвей",
    "Кирилл",
    "Тимофей",
    "Егор",
    "Лев",
    "Марк",
    "Роман",
    "Илья",
    "Никита",
    "Даниил",
    "Андрей",
    "Фёдор",
    "Степан",
    "Владимир",
    "Арсений",
    "Мирон",
    "Глеб",
    "Ярослав",
    "Макар",
    "Савелий",
    "Богдан",
    "Тимур",
    "Алексей",
    "Сергей",
    "Денис",
    "Павел",
    "Захар",
    "Платон",
    "Георгий",
];

const GIRLS: &[&str] = &[
    "Софья",
    "Мария",
    "Анна",
    "Алиса",
    "Ева",
    "Виктория",
    "Полина",
    "Варвара",
    "Александра",
    "Анастасия",
    "Василиса",
    "Вероника",
    "Дарья",
    "Ксения",
    "Милана",
    "Екатерина",
    "Елизавета",
    "Арина",
    "Таисия",
    "Ульяна",
    "Кира",
    "Валерия",
    "Маргарита",
    "Есения",
    "Злата",
    "Мирослава",
    "Алёна",
    "Ника",
    "Агата",
    "Диана",
    "Юлия",
    "Амелия",
];

/// A surname in the form for the gender: Иванов/Иванова, Вишневский/Вишневская, Толстой/Толстая;
/// surnames such as Черных or Шевченко do not change.
pub(crate) fn surname_for(masculine: &str, gender: Gender) -> String {
    if gender == Gender::Male {
        return masculine.to_owned();
    }
    for ending in ["ов", "ев", "ёв", "ин", "ын"] {
        if masculine.ends_with(ending) {
            return format!("{masculine}а");
        }
    }
    if let Some(stem) = masculine
        .strip_suffix("ий")
        .filter(|s| s.ends_with("ск") || s.ends_with("цк"))
    {
        return format!("{stem}ая");
    }
    if let Some(stem) = masculine.strip_suffix("ой") {
        return format!("{stem}ая");
    }
    masculine.to_owned()
}

/// The patronymic for a child of the father with this patronymic stem.
pub(crate) fn patronymic(stem: &str, gender: Gender) -> String {
    match gender {
        Gender::Male => format!("{stem}ич"),
        Gender::Female => format!("{stem}на"),
    }
}

/// A random masculine family surname.
pub(crate) fn family_surname(rng: &mut Rng) -> &'static str {
    rng.pick::<&str>(SURNAMES)
}

/// A random father: first name and patronymic stem.
pub(crate) fn father(rng: &mut Rng) -> (&'static str, &'static str) {
    *rng.pick(MALE_ADULT)
}

/// A random adult woman's first name.
pub(crate) fn woman(rng: &mut Rng) -> &'static str {
    rng.pick::<&str>(FEMALE_ADULT)
}

/// A random child's first name.
pub(crate) fn child(rng: &mut Rng, gender: Gender) -> &'static str {
    match gender {
        Gender::Male => rng.pick::<&str>(BOYS),
        Gender::Female => rng.pick::<&str>(GIRLS),
    }
}

/// A full name of an adult with a random family.
#[derive(Debug, Clone)]
pub(crate) struct FullName {
    pub(crate) last: String,
    pub(crate) first: String,
    pub(crate) middle: String,
    pub(crate) gender: Gender,
}

impl FullName {
    /// A random adult of the given gender.
    pub(crate) fn adult(rng: &mut Rng, gender: Gender) -> FullName {
        let last = surname_for(family_surname(rng), gender);
        let first = match gender {
            Gender::Male => father(rng).0,
            Gender::Female => woman(rng),
        };
        let middle = patronymic(father(rng).1, gender);
        FullName {
            last,
            first: first.to_owned(),
            middle,
            gender,
        }
    }

    /// «Петрова Анна Ивановна».
    pub(crate) fn full(&self) -> String {
        if self.middle.is_empty() {
            format!("{} {}", self.last, self.first)
        } else {
            format!("{} {} {}", self.last, self.first, self.middle)
        }
    }

    /// «Иванов Иван», as a student is shown.
    pub(crate) fn short(&self) -> String {
        format!("{} {}", self.last, self.first)
    }

    /// The login base for a student: surname and the first initial, «ИвановИ».
    pub(crate) fn student_login(&self) -> String {
        format!("{}{}", self.last, initial(&self.first))
    }

    /// The login base for an adult: surname and both initials, «ПетроваАС».
    pub(crate) fn adult_login(&self) -> String {
        format!(
            "{}{}{}",
            self.last,
            initial(&self.first),
            initial(&self.middle)
        )
    }
}

fn initial(name: &str) -> String {
    name.chars().next().map(String::from).unwrap_or_default()
}

/// Logins already given in one organization, compared by their normalised form.
#[derive(Debug, Default)]
pub(crate) struct Logins {
    taken: std::collections::HashSet<String>,
}

impl Logins {
    /// `base` if free, else `base2`, `base3`…; returns the login and its normalised form.
    pub(crate) fn claim(&mut self, base: &str) -> (String, String) {
        let mut n = 1u32;
        loop {
            let login = if n == 1 {
                base.to_owned()
            } else {
                format!("{base}{n}")
            };
            let norm = sgo_core::text::normalise(&login);
            if self.taken.insert(norm.clone()) {
                return (login, norm);
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surnames_take_the_feminine_form() {
        assert_eq!(surname_for("Иванов", Gender::Female), "Иванова");
        assert_eq!(surname_for("Иванов", Gender::Male), "Иванов");
        assert_eq!(surname_for("Соловьёв", Gender::Female), "Соловьёва");
        assert_eq!(surname_for("Ильин", Gender::Female), "Ильина");
        assert_eq!(surname_for("Вишневский", Gender::Female), "Вишневская");
        assert_eq!(surname_for("Троицкий", Gender::Female), "Троицкая");
        assert_eq!(surname_for("Толстой", Gender::Female), "Толстая");
        assert_eq!(surname_for("Черных", Gender::Female), "Черных");
        assert_eq!(surname_for("Шевченко", Gender::Female), "Шевченко");
        assert_eq!(surname_for("Шевчук", Gender::Female), "Шевчук");
    }

    #[test]
    fn patronymics_agree_with_gender() {
        assert_eq!(patronymic("Сергеев", Gender::Male), "Сергеевич");
        assert_eq!(patronymic("Сергеев", Gender::Female), "Сергеевна");
        assert_eq!(patronymic("Юрьев", Gender::Female), "Юрьевна");
        assert_eq!(patronymic("Михайлов", Gender::Male), "Михайлович");
        for (_, stem) in MALE_ADULT {
            assert!(stem.ends_with('в'), "{stem}");
        }
    }

    #[test]
    fn logins_and_display_names() {
        let n = FullName {
            last: "Петрова".into(),
            first: "Анна".into(),
            middle: "Сергеевна".into(),
            gender: Gender::Female,
        };
        assert_eq!(n.full(), "Петрова Анна Сергеевна");
        assert_eq!(n.short(), "Петрова Анна");
        assert_eq!(n.adult_login(), "ПетроваАС");
        assert_eq!(n.student_login(), "ПетроваА");
        let mut logins = Logins::default();
        assert_eq!(logins.claim("ИвановИ").0, "ИвановИ");
        assert_eq!(logins.claim("ивановИ").0, "ивановИ2");
        assert_eq!(logins.claim("ИвановИ").0, "ИвановИ3");
        assert_eq!(logins.claim("КоролёвИ").1, "королеви");
        assert_eq!(logins.claim("КоролевИ").0, "КоролевИ2");
    }

    #[test]
    fn every_listed_name_is_cyrillic_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for s in SURNAMES {
            assert!(seen.insert(*s), "{s} twice");
            assert!(
                s.chars().all(|c| ('А'..='я').contains(&c) || c == 'ё'),
                "{s}"
            );
        }
    }
}
