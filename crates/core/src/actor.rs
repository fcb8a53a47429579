//! Who is asking: the signed-in account, its organization and roles.

use crate::{AccountId, OrganizationId, Role};

/// The subject of every use case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The signed-in account.
    pub account_id: AccountId,
    /// The organization the account belongs to.
    pub organization_id: OrganizationId,
    /// The account's roles in that organization.
    pub roles: Vec<Role>,
}

impl Actor {
    /// True when the actor holds the role.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// True for administration and teaching staff, whose landing page is not a diary.
    pub fn is_staff(&self) -> bool {
        self.roles.iter().any(|r| {
            matches!(
                r,
                Role::Administrator
                    | Role::DeputyHead
                    | Role::Teacher
                    | Role::Staff
                    | Role::AuthorityOfficer
                    | Role::RegionAdministrator
            )
        })
    }
}
