//! The recipient directory: everyone the actor may write to, grouped as NetSchool groups them.

use std::collections::{HashMap, HashSet};

use sgo_core::mail::{RecipientGroup, Relation};
use sgo_core::policy::recipient_group;
use sgo_core::{Actor, Role};

use crate::{App, AppResult};

/// A person in the directory.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    /// Their account.
    pub account_id: i64,
    /// The short name shown in lists.
    pub name: String,
    /// Surname, name and patronymic.
    pub full_name: String,
    /// Where the directory lists them.
    pub group: RecipientGroup,
    /// Their roles, for the page.
    pub roles: Vec<Role>,
}

impl App {
    /// Everyone the actor may write to, by group and then name. Inactive accounts and the actor
    /// themself are left out.
    pub async fn mail_directory(&self, actor: &Actor) -> AppResult<Vec<Contact>> {
        let today = self.today();
        let me = actor.account_id.get();
        let org = actor.organization_id.get();
        let mut mine: Vec<i64> = Vec::new();
        if sgo_core::policy::student_self(actor).is_some() {
            mine.push(me);
        }
        if sgo_core::policy::guardian(actor).is_some() {
            mine.extend(
                self.store
                    .children(me, today)
                    .await?
                    .iter()
                    .map(|c| c.account_id),
            );
        }
        let mut teaches_me = HashSet::new();
        let mut class_teachers = HashSet::new();
        for student in &mine {
            teaches_me.extend(self.store.teachers_of_student(*student, today).await?);
            class_teachers.extend(
                self.store
                    .class_teachers_of_student(*student, today)
                    .await?,
            );
        }
        let families: HashSet<i64> = if sgo_core::policy::mail_staff_writer(actor) {
            self.store
                .families_taught_by(me, today)
                .await?
                .into_iter()
                .collect()
        } else {
            HashSet::new()
        };
        let classmates_allowed = sgo_core::policy::student_self(actor).is_some()
            && self.store.students_write_classmates(org).await?;
        let classmates: HashSet<i64> = if classmates_allowed {
            self.store
                .classmates_of(me, today)
                .await?
                .into_iter()
                .collect()
        } else {
            HashSet::new()
        };
        let mut roles: HashMap<i64, Vec<Role>> = HashMap::new();
        for r in self.store.people_roles(org).await? {
            if let Ok(role) = Role::from_code(&r.role) {
                roles.entry(r.account_id).or_default().push(role);
            }
        }
        let mut out = Vec::new();
        for p in self.store.mail_people(org).await? {
            if p.account_id == me {
                continue;
            }
            let relation = Relation {
                roles: roles.remove(&p.account_id).unwrap_or_default(),
                teaches_writer: teaches_me.contains(&p.account_id),
                class_teacher_of_writer: class_teachers.contains(&p.account_id),
                family_of_writers_class: families.contains(&p.account_id),
                classmate: classmates.contains(&p.account_id),
            };
            if let Some(group) = recipient_group(actor, &relation, classmates_allowed) {
                out.push(Contact {
                    account_id: p.account_id,
                    name: p.display_name,
                    full_name: p.full_name,
                    group,
                    roles: relation.roles,
                });
            }
        }
        out.sort_by(|a, b| {
            a.group
                .cmp(&b.group)
                .then_with(|| a.full_name.cmp(&b.full_name))
        });
        Ok(out)
    }

    /// Whether students of the actor's school may write to their classmates.
    pub async fn mail_classmates_allowed(&self, actor: &Actor) -> AppResult<bool> {
        Ok(self
            .store
            .students_write_classmates(actor.organization_id.get())
            .await?)
    }

    /// Lets or stops students of the school writing to their classmates (administration only).
    pub async fn set_mail_classmates_allowed(
        &self,
        actor: &Actor,
        allowed: bool,
        origin: &crate::Origin,
    ) -> AppResult<()> {
        if !sgo_core::policy::may_set_mail_rules(actor) {
            return Err(crate::AppError::Forbidden);
        }
        self.store
            .set_students_write_classmates(actor.organization_id.get(), allowed)
            .await?;
        self.audit_change(
            actor,
            actor.organization_id,
            origin,
            "mail.settings",
            format!("organization:{}", actor.organization_id.get()),
            format!("students_write_classmates={allowed}"),
        )
        .await;
        Ok(())
    }
}
