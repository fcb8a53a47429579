//! Assignment types of a school (контрольная, домашняя …) with their default weights.

use sgo_core::{Actor, AssignmentTypeId};
use sgo_store::{AssignmentTypeFields, AssignmentTypeRecord};

use crate::form::FieldErrors;
use crate::settings::FormError;
use crate::{App, AppError, AppResult, Origin};

/// An assignment type of a school: «Контрольная работа», «К», weight 10.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentType {
    /// The type.
    pub id: AssignmentTypeId,
    /// Its name.
    pub name: String,
    /// Its abbreviation.
    pub abbr: String,
    /// The weight a new assignment of this type gets.
    pub default_weight: i32,
    /// Its place in lists.
    pub sort_order: i32,
    /// Whether new assignments may take it.
    pub active: bool,
}

impl From<AssignmentTypeRecord> for AssignmentType {
    fn from(r: AssignmentTypeRecord) -> AssignmentType {
        AssignmentType {
            id: AssignmentTypeId::new(r.id),
            name: r.name,
            abbr: r.abbr,
            default_weight: r.default_weight,
            sort_order: r.sort_order,
            active: r.active,
        }
    }
}

/// The type form as submitted.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct AssignmentTypeInput {
    pub name: String,
    pub abbr: String,
    pub default_weight: String,
    pub sort_order: String,
    pub active: bool,
}

fn may_configure(actor: &Actor) -> bool {
    sgo_core::policy::may_configure_assignment_types(actor)
}

fn check(input: &AssignmentTypeInput) -> Result<AssignmentTypeFields, FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        errors.add("name", msg!("assignment-type-name-invalid"));
    }
    let abbr = input.abbr.trim();
    if abbr.is_empty() || abbr.chars().count() > 10 {
        errors.add("abbr", msg!("assignment-type-abbreviation-invalid"));
    }
    let weight = input.default_weight.trim().parse::<i32>().ok();
    if !weight.is_some_and(|w| (1..=100).contains(&w)) {
        errors.add("weight", msg!("weight-invalid"));
    }
    let order = match input.sort_order.trim() {
        "" => Some(0),
        o => o.parse::<i32>().ok().filter(|o| (0..=10_000).contains(o)),
    };
    if order.is_none() {
        errors.add("order", msg!("assignment-type-order-invalid"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(AssignmentTypeFields {
        name: name.to_owned(),
        abbr: abbr.to_owned(),
        default_weight: weight.unwrap_or(1),
        sort_order: order.unwrap_or(0),
        active: input.active,
    })
}

impl App {
    /// Every assignment type of the actor's school, retired ones too (administration only).
    pub async fn school_assignment_types(&self, actor: &Actor) -> AppResult<Vec<AssignmentType>> {
        if !may_configure(actor) {
            return Err(AppError::Forbidden);
        }
        Ok(crate::view::views(
            self.store
                .assignment_types(actor.organization_id.get(), false)
                .await?,
        ))
    }

    /// Adds (`id` `None`) or changes an assignment type of the actor's school.
    pub async fn save_assignment_type(
        &self,
        actor: &Actor,
        origin: &Origin,
        id: Option<AssignmentTypeId>,
        input: &AssignmentTypeInput,
    ) -> Result<AssignmentTypeId, FormError> {
        if !may_configure(actor) {
            return Err(AppError::Forbidden.into());
        }
        let id = id.map(AssignmentTypeId::get);
        let org = actor.organization_id.get();
        let fields = check(input).map_err(FormError::Invalid)?;
        let taken = self
            .store
            .assignment_types(org, false)
            .await?
            .into_iter()
            .any(|t| Some(t.id) != id && t.abbr.to_lowercase() == fields.abbr.to_lowercase());
        if taken {
            let mut errors = FieldErrors::default();
            errors.add("abbr", msg!("assignment-type-abbreviation-taken"));
            return Err(FormError::Invalid(errors));
        }
        let (id, verb) = match id {
            Some(id) => {
                if !self.store.update_assignment_type(org, id, &fields).await? {
                    return Err(AppError::NotFound(msg!("assignment-type-not-found")).into());
                }
                (id, "update")
            }
            None => (
                self.store.create_assignment_type(org, &fields).await?,
                "create",
            ),
        };
        // Type names and abbreviations are shown in every diary.
        self.catch_up().await;
        self.audit_change(
            actor,
            actor.organization_id,
            origin,
            &format!("journal.type.{verb}"),
            format!("assignment_type:{id}"),
            format!(
                "{} ({}), вес {}, порядок {}, {}",
                fields.name,
                fields.abbr,
                fields.default_weight,
                fields.sort_order,
                if fields.active {
                    "используется"
                } else {
                    "не используется"
                }
            ),
        )
        .await;
        Ok(AssignmentTypeId::new(id))
    }
}
