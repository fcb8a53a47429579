//! Roles an account can hold in its organization.

use crate::UnknownCode;

/// A role of an account. Class teacher is an assignment, not a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Директор, администратор ОО.
    Administrator,
    /// Завуч.
    DeputyHead,
    /// Учитель.
    Teacher,
    /// Ученик.
    Student,
    /// Родитель, законный представитель.
    Parent,
    /// Прочий персонал.
    Staff,
    /// Специалист органа управления образованием.
    AuthorityOfficer,
    /// Администратор региона.
    RegionAdministrator,
}

impl Role {
    /// Every role, in display order.
    pub const ALL: [Role; 8] = [
        Role::Administrator,
        Role::DeputyHead,
        Role::Teacher,
        Role::Student,
        Role::Parent,
        Role::Staff,
        Role::AuthorityOfficer,
        Role::RegionAdministrator,
    ];

    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::DeputyHead => "deputy_head",
            Role::Teacher => "teacher",
            Role::Student => "student",
            Role::Parent => "parent",
            Role::Staff => "staff",
            Role::AuthorityOfficer => "authority_officer",
            Role::RegionAdministrator => "region_administrator",
        }
    }

    /// The Russian name shown to people.
    pub fn title(self) -> &'static str {
        match self {
            Role::Administrator => "Администратор",
            Role::DeputyHead => "Завуч",
            Role::Teacher => "Учитель",
            Role::Student => "Ученик",
            Role::Parent => "Родитель",
            Role::Staff => "Сотрудник",
            Role::AuthorityOfficer => "Специалист органа управления образованием",
            Role::RegionAdministrator => "Администратор региона",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Result<Role, UnknownCode> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or_else(|| UnknownCode {
                what: "role",
                value: code.to_owned(),
            })
    }
}

impl TryFrom<String> for Role {
    type Error = UnknownCode;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Role::from_code(&value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_is_an_error() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()).unwrap(), role);
        }
        assert!(Role::from_code("king").is_err());
    }
}
