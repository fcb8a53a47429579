//! Who an actor may see among the people of a school, and the filtered list.

use super::*;

impl App {
    /// What the actor may see of an organization's people today; `Forbidden` for anyone who is
    /// neither its administration nor one of its teachers.
    pub(crate) async fn people_scope(
        &self,
        actor: &Actor,
        organization_id: OrganizationId,
    ) -> AppResult<Scope> {
        let view = policy::people_view(actor, organization_id).ok_or(AppError::Forbidden)?;
        let administers = view == policy::PeopleView::Administration;
        // An administrator who also teaches still leads their own classes.
        let teacher = policy::teacher(actor).is_some_and(|t| t.organization() == organization_id);
        let year = self
            .store
            .current_year(organization_id.get(), self.clock.today())
            .await?;
        let (mut classes, mut led) = (Vec::new(), Vec::new());
        if let Some(year) = year {
            classes = self
                .store
                .people_classes(year.id)
                .await?
                .into_iter()
                .map(|c| ClassOption {
                    id: c.id,
                    name: class_name(c.grade, &c.letter),
                })
                .collect();
            if teacher {
                led = self
                    .store
                    .classes_led_by(actor.account_id.get(), year.id)
                    .await?;
            }
        }
        Ok(Scope {
            organization_id,
            administers,
            led,
            classes,
        })
    }

    /// Every account of the organization with roles, today's class and links, by name.
    pub(crate) async fn everyone(&self, organization_id: OrganizationId) -> AppResult<Everyone> {
        let today = self.clock.today();
        let people = self
            .store
            .people_of_organization(organization_id.get(), today)
            .await?;
        let mut roles: HashMap<i64, Vec<Role>> = HashMap::new();
        for r in self.store.people_roles(organization_id.get()).await? {
            if let Ok(role) = Role::from_code(&r.role) {
                roles.entry(r.account_id).or_default().push(role);
            }
        }
        let names: HashMap<i64, String> = people
            .iter()
            .map(|p| (p.account_id, p.display_name.clone()))
            .collect();
        let linked = |id: i64| LinkedPerson {
            account_id: AccountId::new(id),
            name: names.get(&id).cloned().unwrap_or_else(|| format!("№{id}")),
        };
        let (mut children, mut parents): (
            HashMap<i64, Vec<LinkedPerson>>,
            HashMap<i64, Vec<LinkedPerson>>,
        ) = (HashMap::new(), HashMap::new());
        for l in self
            .store
            .people_parent_links(organization_id.get())
            .await?
        {
            children
                .entry(l.parent_account_id)
                .or_default()
                .push(linked(l.student_account_id));
            parents
                .entry(l.student_account_id)
                .or_default()
                .push(linked(l.parent_account_id));
        }
        let mut rows: Vec<PersonRow> = people
            .into_iter()
            .map(|p| {
                let mut r = roles.remove(&p.account_id).unwrap_or_default();
                r.sort();
                PersonRow {
                    account_id: AccountId::new(p.account_id),
                    full_name: full_name(&p.last_name, &p.first_name, &p.middle_name),
                    display_name: p.display_name,
                    login: p.login,
                    roles: r,
                    class: match (p.class_id, p.grade, p.letter) {
                        (Some(id), Some(grade), Some(letter)) => Some(ClassOption {
                            id,
                            name: class_name(grade, &letter),
                        }),
                        _ => None,
                    },
                    children: children.remove(&p.account_id).unwrap_or_default(),
                    parents: parents.remove(&p.account_id).unwrap_or_default(),
                    active: p.active,
                }
            })
            .collect();
        rows.sort_by_cached_key(|r| (text::normalise(&r.full_name), r.account_id));
        Ok(Everyone { rows })
    }

    /// The rows of `everyone` the scope lets the actor see.
    pub(crate) fn visible(scope: &Scope, everyone: Everyone) -> Vec<PersonRow> {
        if scope.administers {
            return everyone.rows;
        }
        let ids = everyone.led_ids(&scope.led);
        everyone
            .rows
            .into_iter()
            .filter(|r| ids.contains(&r.account_id))
            .collect()
    }

    /// The user list of the actor's school, narrowed by the filter.
    pub async fn list_people(&self, actor: &Actor, filter: &PeopleFilter) -> AppResult<PeopleList> {
        let scope = self
            .people_scope(actor, OrganizationId::new(actor.organization_id.get()))
            .await?;
        let everyone = self.everyone(scope.organization_id).await?;
        let needle = filter
            .name
            .as_deref()
            .map(text::normalise)
            .filter(|n| !n.is_empty());
        if needle.as_ref().is_some_and(|n| n.chars().count() > 200) {
            return Err(AppError::BadRequest(msg!("search-text-too-long")));
        }
        // A class filter keeps its students and, as in the class teacher's view, their parents.
        let class_parents: HashSet<AccountId> = match filter.class_id {
            Some(class) => everyone
                .rows
                .iter()
                .filter(|r| r.class.as_ref().is_some_and(|c| c.id == class))
                .flat_map(|r| r.parents.iter().map(|p| p.account_id))
                .collect(),
            None => HashSet::new(),
        };
        let rows = Self::visible(&scope, everyone)
            .into_iter()
            .filter(|r| match filter.class_id {
                Some(class) => {
                    r.class.as_ref().is_some_and(|c| c.id == class)
                        || (filter.role == Some(Role::Parent)
                            && class_parents.contains(&r.account_id))
                }
                None => true,
            })
            .filter(|r| filter.role.is_none_or(|role| r.roles.contains(&role)))
            .filter(|r| filter.active.is_none_or(|a| r.active == a))
            .filter(|r| {
                needle.as_deref().is_none_or(|n| {
                    text::normalise(&r.full_name).contains(n)
                        || text::normalise(&r.display_name).contains(n)
                        || text::normalise(&r.login).contains(n)
                })
            })
            .collect();
        let classes = if scope.administers {
            scope.classes
        } else {
            scope
                .classes
                .into_iter()
                .filter(|c| scope.led.contains(&c.id))
                .collect()
        };
        Ok(PeopleList {
            rows,
            classes,
            may_edit: scope.administers,
        })
    }

    /// What the new-person form offers; only the school's administration may create people.
    pub async fn person_form_options(
        &self,
        admin: &SchoolAdministrator,
    ) -> AppResult<PersonFormOptions> {
        let org = admin.home();
        administered(admin, org)?;
        let scope = self.people_scope(admin.actor(), org).await?;
        let everyone = self.everyone(org).await?;
        Ok(PersonFormOptions {
            classes: scope.classes,
            students: students_of(&everyone.rows),
        })
    }
}
