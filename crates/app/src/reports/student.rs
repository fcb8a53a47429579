//! What the reports on one student share: finding the student in a class, the subject groups
//! they study there, and whether the asking account may see them at all.

use sgo_core::OrganizationId;
use std::collections::HashSet;

use sgo_core::person::full_name;
use sgo_core::policy::may_report_on_student;
use sgo_core::report::StudentTies;
use sgo_core::{Actor, ClassId, GroupId, PeriodId, StudentId};
use sgo_store::{NamedRecord, ReportClassRecord, ReportGroupRecord, ReportScope};

use crate::calendar::Period;
use crate::view::{Named, named, views};
use crate::{App, AppError, AppResult};

/// A student in one of their classes, once the actor may report on them.
pub(crate) struct StudentTarget {
    /// «Фамилия Имя Отчество».
    pub name: String,
    /// The class the report is about; the student was in it at some time.
    pub class: ReportClassRecord,
    /// Subject groups of the class the student studies (subgroups respected), by subject.
    pub groups: Vec<ReportGroupRecord>,
    /// The school's short name.
    pub school: String,
}

/// Which subject groups a teacher's tie is judged on.
#[derive(Clone, Copy)]
pub(crate) enum Covering {
    /// Every group the student studies in the class (the whole-year report).
    AllGroups,
    /// One group (the marks of one subject).
    Group(i64),
}

fn missing() -> AppError {
    AppError::NotFound(msg!("student-not-found"))
}

impl App {
    /// The student in a class, checked against `may_report_on_student`. Anyone without a tie
    /// gets "not found", so student ids of other schools or families reveal nothing; those who
    /// may see the student get a clear 400 when the student never was in the class.
    pub(crate) async fn report_student(
        &self,
        actor: &Actor,
        student_id: StudentId,
        class_id: ClassId,
        covering: Covering,
    ) -> AppResult<StudentTarget> {
        let (student_id, class_id) = (student_id.get(), class_id.get());
        let today = self.today();
        let student = self
            .store
            .student(student_id, today)
            .await?
            .ok_or_else(missing)?;
        let class = self
            .store
            .report_classes(ReportScope::Class(class_id))
            .await?
            .into_iter()
            .next()
            .filter(|c| c.organization_id == student.organization_id);
        let in_class = match &class {
            Some(c) => self
                .store
                .class_history(student_id)
                .await?
                .iter()
                .any(|m| m.class_id == c.id),
            None => false,
        };
        let groups = match (&class, in_class) {
            (Some(c), true) => self.studied_groups(c.id, student_id).await?,
            _ => Vec::new(),
        };
        let covered: Vec<i64> = match covering {
            Covering::AllGroups => groups.iter().map(|g| g.id).collect(),
            Covering::Group(id) => groups.iter().filter(|g| g.id == id).map(|g| g.id).collect(),
        };
        let is_parent = sgo_core::policy::guardian(actor).is_some()
            && self
                .store
                .children(actor.account_id.get(), today)
                .await?
                .iter()
                .any(|c| c.account_id == student_id);
        let (mut leads_class, mut teaches) = (false, false);
        if let (Some(c), true) = (
            &class,
            sgo_core::policy::teacher(actor).is_some() && !covered.is_empty(),
        ) {
            leads_class = self
                .store
                .classes_led_by(actor.account_id.get(), c.academic_year_id)
                .await?
                .contains(&c.id);
            if !leads_class {
                teaches = self
                    .teaches_any(actor, c.academic_year_id, &covered)
                    .await?;
            }
        }
        let ties = StudentTies {
            is_self: actor.account_id.get() == student_id,
            is_parent,
            teaches,
            leads_class,
        };
        if !may_report_on_student(actor, OrganizationId::new(student.organization_id), ties) {
            return Err(missing());
        }
        let class = class
            .filter(|_| in_class)
            .ok_or_else(|| AppError::BadRequest(msg!("report-student-not-in-class")))?;
        let name = self
            .store
            .person_card(student_id)
            .await?
            .map(|p| sgo_core::person::full_name(&p.last_name, &p.first_name, &p.middle_name))
            .unwrap_or_else(|| student.display_name.clone());
        let school = self.short_name_of(student.organization_id).await?;
        Ok(StudentTarget {
            name,
            class,
            groups,
            school,
        })
    }

    /// Groups of a class a student studies: whole-class groups and the subgroups they are in.
    pub(crate) async fn studied_groups(
        &self,
        class_id: i64,
        student_id: i64,
    ) -> AppResult<Vec<ReportGroupRecord>> {
        let scope = ReportScope::Class(class_id);
        let subgroups: HashSet<i64> = self
            .store
            .report_subgroup_members(scope)
            .await?
            .into_iter()
            .filter(|m| m.student_account_id == student_id)
            .map(|m| m.subgroup_id)
            .collect();
        Ok(self
            .store
            .report_groups(scope)
            .await?
            .into_iter()
            .filter(|g| g.subgroup_id.is_none_or(|s| subgroups.contains(&s)))
            .collect())
    }

    /// The students of the groups a teacher teaches this year (subgroups: their members only),
    /// by name.
    async fn taught_students(&self, actor: &Actor) -> AppResult<Vec<NamedRecord>> {
        if sgo_core::policy::teacher(actor).is_none() {
            return Ok(Vec::new());
        }
        let today = self.today();
        let Some(year) = self
            .store
            .current_year(actor.organization_id.get(), today)
            .await?
        else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for group in self
            .store
            .teacher_groups(actor.account_id.get(), year.id)
            .await?
        {
            // A substitute's one lesson is no tie to the group's students.
            if self
                .store
                .group_ties(group.id, actor.account_id.get(), None)
                .await?
                .teaches
                == 0
            {
                continue;
            }
            let scope = ReportScope::Class(group.class_id);
            let members: Option<HashSet<i64>> = match group.subgroup_id {
                Some(sub) => Some(
                    self.store
                        .report_subgroup_members(scope)
                        .await?
                        .into_iter()
                        .filter(|m| m.subgroup_id == sub)
                        .map(|m| m.student_account_id)
                        .collect(),
                ),
                None => None,
            };
            for s in self.store.report_students(scope, today).await? {
                let studies = members
                    .as_ref()
                    .is_none_or(|m| m.contains(&s.student_account_id));
                if studies && seen.insert(s.student_account_id) {
                    out.push(NamedRecord {
                        id: s.student_account_id,
                        name: full_name(&s.last_name, &s.first_name, &s.middle_name),
                    });
                }
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Whether the actor is a teacher of one of the groups (not just someone who stood in once).
    async fn teaches_any(&self, actor: &Actor, year_id: i64, groups: &[i64]) -> AppResult<bool> {
        let candidates: Vec<i64> = self
            .store
            .teacher_groups(actor.account_id.get(), year_id)
            .await?
            .into_iter()
            .map(|g| g.id)
            .filter(|id| groups.contains(id))
            .collect();
        for group in candidates {
            if self
                .store
                .group_ties(group, actor.account_id.get(), None)
                .await?
                .teaches
                != 0
            {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// The choices of a student report's form: whose, which class, which periods and subjects.
#[derive(Debug, Clone, PartialEq)]
pub struct StudentReportForm {
    /// Students the actor may choose: themself, their children, or the students of the classes
    /// they may report on.
    pub students: Vec<Named<StudentId>>,
    /// The chosen student.
    pub student: Option<StudentId>,
    /// The chosen student's classes, newest first («9А»).
    pub classes: Vec<Named<ClassId>>,
    /// The chosen class: the one the student is in today, else their latest.
    pub class: Option<ClassId>,
    /// Periods of the chosen class's year and grade.
    pub periods: Vec<Period>,
    /// The period holding today (see `current_period`).
    pub current_period: Option<PeriodId>,
    /// Subject groups the student studies in the chosen class.
    pub groups: Vec<Named<GroupId>>,
}

impl App {
    /// The form of the reports on one student, for `student` when the actor may choose them,
    /// else for the first student offered.
    pub async fn student_report_form(
        &self,
        actor: &Actor,
        student: Option<StudentId>,
    ) -> AppResult<StudentReportForm> {
        let student = student.map(StudentId::get);
        let today = self.today();
        let mut students: Vec<NamedRecord> = self
            .diary_students(actor)
            .await?
            .into_iter()
            .map(|s| NamedRecord {
                id: s.account_id.get(),
                name: s.display_name,
            })
            .collect();
        if students.is_empty() {
            // Staff choose among the students of the classes they may report on, and a
            // subject teacher among those of the groups they teach.
            let mut seen = HashSet::new();
            for class in self.report_class_choices(actor).await? {
                for s in self
                    .store
                    .report_students(ReportScope::Class(class.id.get()), today)
                    .await?
                {
                    if seen.insert(s.student_account_id) {
                        students.push(NamedRecord {
                            id: s.student_account_id,
                            name: full_name(&s.last_name, &s.first_name, &s.middle_name),
                        });
                    }
                }
            }
            for s in self.taught_students(actor).await? {
                if seen.insert(s.id) {
                    students.push(s);
                }
            }
        }
        let chosen = student
            .filter(|id| students.iter().any(|s| s.id == *id))
            .or_else(|| students.first().map(|s| s.id));
        let mut form = StudentReportForm {
            students: named(students, StudentId::new),
            student: chosen.map(StudentId::new),
            classes: Vec::new(),
            class: None,
            periods: Vec::new(),
            current_period: None,
            groups: Vec::new(),
        };
        let Some(student_id) = chosen else {
            return Ok(form);
        };
        let now = self
            .store
            .student(student_id, today)
            .await?
            .and_then(|s| s.class_id);
        let history = self.store.class_history(student_id).await?;
        for m in &history {
            if !form.classes.iter().any(|c| c.id.get() == m.class_id) {
                form.classes.push(Named {
                    id: ClassId::new(m.class_id),
                    name: format!("{}{}", m.grade, m.letter),
                });
            }
        }
        form.class = now
            .or_else(|| history.first().map(|m| m.class_id))
            .map(ClassId::new);
        let Some(class_id) = form.class.map(ClassId::get) else {
            return Ok(form);
        };
        if let Some(class) = self
            .store
            .report_classes(ReportScope::Class(class_id))
            .await?
            .into_iter()
            .next()
        {
            let periods = self
                .store
                .periods(class.academic_year_id, class.grade)
                .await?;
            form.current_period = super::current_period(&periods, today).map(PeriodId::new);
            form.periods = views(periods);
        }
        let groups = self.studied_groups(class_id, student_id).await?;
        let titles = super::class_progress::subject_titles(&groups);
        form.groups = groups
            .iter()
            .zip(titles)
            .map(|(g, name)| Named {
                id: GroupId::new(g.id),
                name,
            })
            .collect();
        Ok(form)
    }
}
