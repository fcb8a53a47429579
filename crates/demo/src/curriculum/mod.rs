//! What is taught: subjects, hours per week by grade, who teaches what, and how each subject
//! is assessed and given homework.

use super::rng::Rng;

mod topics;

use topics::topics;

/// A subject of the demo curriculum; the discriminant is its place in [`SUBJECTS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Subj {
    Russian,
    LitReading,
    Literature,
    English,
    Math,
    Algebra,
    Geometry,
    Probability,
    Informatics,
    World,
    History,
    Social,
    Geography,
    Biology,
    Physics,
    Chemistry,
    Music,
    Art,
    Technology,
    Obzr,
    Pe,
    Project,
}

/// Index of an assignment type in [`ASSIGNMENT_TYPES`].
pub(crate) mod kind {
    pub(crate) const ORAL: usize = 0;
    pub(crate) const HOMEWORK: usize = 1;
    pub(crate) const CONTROL: usize = 3;
    pub(crate) const PRACTICAL: usize = 4;
    pub(crate) const DICTATION: usize = 5;
    pub(crate) const TEST: usize = 6;
    pub(crate) const LAB: usize = 7;
}

/// Assignment types of every school: name, abbreviation, default weight.
pub(crate) const ASSIGNMENT_TYPES: [(&str, &str, i32); 8] = [
    ("Ответ на уроке", "О", 10),
    ("Домашнее задание", "ДЗ", 10),
    ("Самостоятельная работа", "С", 20),
    ("Контрольная работа", "К", 30),
    ("Практическая работа", "П", 20),
    ("Диктант", "Д", 30),
    ("Тестирование", "Т", 20),
    ("Лабораторная работа", "Л", 20),
];

/// Every subject with its short name, in the order of [`Subj`].
pub(crate) const SUBJECTS: [(Subj, &str, &str); 22] = [
    (Subj::Russian, "Русский язык", "Рус. яз."),
    (Subj::LitReading, "Литературное чтение", "Лит. чт."),
    (Subj::Literature, "Литература", "Лит-ра"),
    (Subj::English, "Английский язык", "Англ. яз."),
    (Subj::Math, "Математика", "Матем."),
    (Subj::Algebra, "Алгебра", "Алгебра"),
    (Subj::Geometry, "Геометрия", "Геом."),
    (
        Subj::Probability,
        "Вероятность и статистика",
        "Вер. и стат.",
    ),
    (Subj::Informatics, "Информатика", "Информ."),
    (Subj::World, "Окружающий мир", "Окр. мир"),
    (Subj::History, "История", "История"),
    (Subj::Social, "Обществознание", "Общ."),
    (Subj::Geography, "География", "Геогр."),
    (Subj::Biology, "Биология", "Биол."),
    (Subj::Physics, "Физика", "Физика"),
    (Subj::Chemistry, "Химия", "Химия"),
    (Subj::Music, "Музыка", "Музыка"),
    (Subj::Art, "Изобразительное искусство", "ИЗО"),
    (Subj::Technology, "Технология", "Технол."),
    (Subj::Obzr, "Основы безопасности и защиты Родины", "ОБЗР"),
    (Subj::Pe, "Физическая культура", "Физ-ра"),
    (Subj::Project, "Индивидуальный проект", "Инд. проект"),
];

impl Subj {
    /// Position in [`SUBJECTS`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The full name.
    pub(crate) fn name(self) -> &'static str {
        SUBJECTS[self.index()].1
    }
}

/// Hours per week of each subject in a grade (a plan close to the federal basic curriculum).
pub(crate) fn plan(grade: i32) -> &'static [(Subj, i32)] {
    use Subj::*;
    match grade {
        1 => &[
            (Russian, 5),
            (LitReading, 4),
            (Math, 4),
            (World, 2),
            (Music, 1),
            (Art, 1),
            (Technology, 1),
            (Pe, 3),
        ],
        2 | 3 => &[
            (Russian, 5),
            (LitReading, 4),
            (English, 2),
            (Math, 4),
            (World, 2),
            (Music, 1),
            (Art, 1),
            (Technology, 1),
            (Pe, 3),
        ],
        4 => &[
            (Russian, 5),
            (LitReading, 3),
            (English, 2),
            (Math, 4),
            (World, 2),
            (Music, 1),
            (Art, 1),
            (Technology, 1),
            (Pe, 3),
        ],
        5 => &[
            (Russian, 5),
            (Literature, 3),
            (English, 3),
            (Math, 5),
            (History, 2),
            (Geography, 1),
            (Biology, 1),
            (Music, 1),
            (Art, 1),
            (Technology, 2),
            (Pe, 2),
        ],
        6 => &[
            (Russian, 6),
            (Literature, 3),
            (English, 3),
            (Math, 5),
            (History, 2),
            (Social, 1),
            (Geography, 1),
            (Biology, 1),
            (Music, 1),
            (Art, 1),
            (Technology, 2),
            (Pe, 2),
        ],
        7 => &[
            (Russian, 4),
            (Literature, 2),
            (English, 3),
            (Algebra, 3),
            (Geometry, 2),
            (Probability, 1),
            (Informatics, 1),
            (History, 2),
            (Social, 1),
            (Geography, 2),
            (Biology, 1),
            (Physics, 2),
            (Music, 1),
            (Art, 1),
            (Technology, 2),
            (Pe, 2),
        ],
        8 => &[
            (Russian, 3),
            (Literature, 2),
            (English, 3),
            (Algebra, 3),
            (Geometry, 2),
            (Probability, 1),
            (Informatics, 1),
            (History, 2),
            (Social, 1),
            (Geography, 2),
            (Biology, 2),
            (Physics, 2),
            (Chemistry, 2),
            (Music, 1),
            (Technology, 1),
            (Obzr, 1),
            (Pe, 2),
        ],
        9 => &[
            (Russian, 3),
            (Literature, 3),
            (English, 3),
            (Algebra, 3),
            (Geometry, 2),
            (Probability, 1),
            (Informatics, 1),
            (History, 2),
            (Social, 1),
            (Geography, 2),
            (Biology, 2),
            (Physics, 3),
            (Chemistry, 2),
            (Obzr, 1),
            (Pe, 2),
        ],
        _ => &[
            (Russian, 2),
            (Literature, 3),
            (English, 3),
            (Algebra, 3),
            (Geometry, 2),
            (Probability, 1),
            (Informatics, 1),
            (History, 2),
            (Social, 2),
            (Geography, 1),
            (Biology, 1),
            (Physics, 2),
            (Chemistry, 1),
            (Obzr, 1),
            (Pe, 2),
            (Project, 1),
        ],
    }
}

/// A teaching speciality: the subjects one teacher takes in one class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Dept {
    /// The primary-school class teacher, who teaches most subjects of their class.
    Primary,
    Russian,
    Math,
    English,
    Informatics,
    History,
    Geography,
    Biology,
    Physics,
    Chemistry,
    Music,
    Art,
    Technology,
    Obzr,
    Pe,
}

/// Who teaches a subject in a grade.
pub(crate) fn dept(subject: Subj, grade: i32) -> Dept {
    use Subj::*;
    match subject {
        English => Dept::English,
        Music => Dept::Music,
        Pe => Dept::Pe,
        _ if grade <= 4 => Dept::Primary,
        Russian | Literature | LitReading | Project => Dept::Russian,
        Math | Algebra | Geometry | Probability => Dept::Math,
        Informatics => Dept::Informatics,
        History | Social | World => Dept::History,
        Geography => Dept::Geography,
        Biology => Dept::Biology,
        Physics => Dept::Physics,
        Chemistry => Dept::Chemistry,
        Art => Dept::Art,
        Technology => Dept::Technology,
        Obzr => Dept::Obzr,
    }
}

/// The type of the mandatory control work of a subject; `None` where there is none.
pub(crate) fn control_kind(subject: Subj) -> Option<usize> {
    use Subj::*;
    match subject {
        Russian => Some(kind::DICTATION),
        Physics | Chemistry => Some(kind::LAB),
        Informatics | Technology => Some(kind::PRACTICAL),
        English | World => Some(kind::TEST),
        Pe | Music | Art | Project => None,
        _ => Some(kind::CONTROL),
    }
}

/// The title of a control work of a subject.
pub(crate) fn control_title(subject: Subj, number: usize) -> String {
    use Subj::*;
    match subject {
        Russian => format!("Диктант №{number}"),
        Physics | Chemistry => format!("Лабораторная работа №{number}"),
        Informatics | Technology => format!("Практическая работа №{number}"),
        English | World => format!("Тест №{number}"),
        Obzr => format!("Проверочная работа №{number}"),
        _ => format!("Контрольная работа №{number}"),
    }
}

/// Homework for the `k`-th lesson of a group (its numbers move on through the year), or `None`
/// for subjects that rarely set any.
pub(crate) fn homework(subject: Subj, grade: i32, k: usize, rng: &mut Rng) -> Option<String> {
    use Subj::*;
    let paragraph = 1 + k / 2;
    let page = 4 + k * 3;
    let exercise = 8 + k * 4 + rng.index(3);
    let number = 5 + k * 6 + rng.index(4);
    let text = match subject {
        Russian if grade <= 4 => match rng.index(3) {
            0 => format!("Упр. {exercise}"),
            1 => format!("с. {page}, упр. {exercise}"),
            _ => format!("Упр. {exercise}, выучить правило на с. {page}"),
        },
        Russian => match rng.index(3) {
            0 => format!("Упр. {exercise}"),
            1 => format!("§{paragraph}, упр. {exercise}"),
            _ => format!("§{paragraph}, выучить правило, упр. {exercise}"),
        },
        LitReading => match rng.index(2) {
            0 => format!("Читать с. {page}–{}", page + 3),
            _ => format!("с. {page}, выразительное чтение, ответить на вопросы"),
        },
        Literature => match rng.index(3) {
            0 => format!("Прочитать главы {}–{}", 1 + k % 9, 3 + k % 9),
            1 => "Выучить стихотворение наизусть".to_owned(),
            _ => format!("с. {page}–{}, вопросы 1–5 письменно", page + 6),
        },
        English => match rng.index(3) {
            0 => format!("Ex. {} p. {page}", 1 + rng.index(8)),
            1 => format!("Выучить слова, с. {page}"),
            _ => format!("WB p. {}, ex. {}", 2 + k, 1 + rng.index(5)),
        },
        Math | Algebra | Geometry => match rng.index(3) {
            0 => format!("№{number}–{}", number + 4),
            1 => format!("§{paragraph}, №{number}, {}", number + 3),
            _ => format!("§{paragraph}, №{number}(а, б), {}", number + 2),
        },
        Probability => format!("§{paragraph}, задачи {}–{}", 1 + k % 5, 4 + k % 5),
        Informatics => format!("§{paragraph}, вопросы 1–{}", 3 + rng.index(4)),
        World => format!("с. {page}–{}, пересказ", page + 3),
        History | Social => match rng.index(2) {
            0 => format!("§{paragraph}, вопросы 1–4"),
            _ => format!("§{paragraph}, выучить даты"),
        },
        Geography => match rng.index(2) {
            0 => format!("§{paragraph}, контурная карта"),
            _ => format!("§{paragraph}, вопросы в конце параграфа"),
        },
        Biology => format!("§{paragraph}, ответить на вопросы"),
        Physics => format!("§{paragraph}, упр. {}", 1 + k / 3),
        Chemistry => format!("§{paragraph}, задачи 1–{}", 2 + rng.index(3)),
        Obzr => format!("§{paragraph}, конспект"),
        Project => "Работа над проектом: план и источники".to_owned(),
        Music if rng.chance(0.3) => "Выучить текст песни".to_owned(),
        Art if rng.chance(0.3) => "Принести альбом и краски".to_owned(),
        Music | Art | Technology | Pe => return None,
    };
    Some(text)
}

/// Weeks of lessons in a school year, for spreading a subject's topics over it.
const TEACHING_WEEKS: usize = 33;

/// The topic of the `k`-th lesson of a group with `hours` a week: the subject's topics follow
/// one another through the year, each over several lessons.
pub(crate) fn topic(subject: Subj, grade: i32, hours: i32, k: usize) -> String {
    let list = topics(subject, grade);
    let per_topic =
        (usize::try_from(hours).unwrap_or(1).max(1) * TEACHING_WEEKS / list.len()).max(1);
    let index = k / per_topic;
    if index >= list.len() {
        return format!("Итоговое повторение: {}", list[index % list.len()]);
    }
    let base = list[index];
    let step = k % per_topic;
    if step == 0 {
        base.to_owned()
    } else if step + 1 == per_topic && per_topic >= 3 {
        format!("Обобщение по теме «{base}»")
    } else if step % 2 == 1 {
        format!("{base}. Закрепление")
    } else {
        format!("{base}. Практикум")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_listed_in_enum_order() {
        for (i, (s, _, _)) in SUBJECTS.iter().enumerate() {
            assert_eq!(s.index(), i);
        }
    }

    #[test]
    fn weekly_plans_fit_seven_lessons_a_day() {
        for grade in 1..=11 {
            let total: i32 = plan(grade).iter().map(|(_, h)| h).sum();
            assert!((20..=35).contains(&total), "grade {grade}: {total}");
        }
    }

    #[test]
    fn topics_move_on() {
        // Algebra: 3 hours, 9 topics, so 11 lessons a topic.
        assert_eq!(
            topic(Subj::Algebra, 7, 3, 0),
            "Выражения и их преобразования"
        );
        assert_eq!(
            topic(Subj::Algebra, 7, 3, 1),
            "Выражения и их преобразования. Закрепление"
        );
        assert_eq!(
            topic(Subj::Algebra, 7, 3, 10),
            "Обобщение по теме «Выражения и их преобразования»"
        );
        assert_eq!(
            topic(Subj::Algebra, 7, 3, 11),
            "Линейное уравнение с одной переменной"
        );
        assert!(topic(Subj::Algebra, 7, 3, 120).starts_with("Итоговое повторение: "));
    }
}
