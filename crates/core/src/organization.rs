//! Kinds of organizations on a regional portal.

use crate::UnknownCode;

/// Тип образовательной организации (or an education authority).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OrganizationKind {
    /// Общеобразовательная организация (school).
    General,
    /// Дошкольная образовательная организация.
    Preschool,
    /// Организация дополнительного образования.
    Additional,
    /// Профессиональная образовательная организация (СПО).
    College,
    /// Муниципальный орган управления образованием.
    MunicipalAuthority,
    /// Региональный орган управления образованием.
    RegionalAuthority,
}

impl OrganizationKind {
    /// Every kind, in the order of the login form.
    pub const ALL: [OrganizationKind; 6] = [
        OrganizationKind::General,
        OrganizationKind::Preschool,
        OrganizationKind::Additional,
        OrganizationKind::College,
        OrganizationKind::MunicipalAuthority,
        OrganizationKind::RegionalAuthority,
    ];

    /// The code stored in the database and used in URLs.
    pub fn code(self) -> &'static str {
        match self {
            OrganizationKind::General => "general",
            OrganizationKind::Preschool => "preschool",
            OrganizationKind::Additional => "additional",
            OrganizationKind::College => "college",
            OrganizationKind::MunicipalAuthority => "municipal_authority",
            OrganizationKind::RegionalAuthority => "regional_authority",
        }
    }

    /// The Russian name on the login form.
    pub fn title(self) -> &'static str {
        match self {
            OrganizationKind::General => "Общеобразовательная",
            OrganizationKind::Preschool => "Дошкольное образование",
            OrganizationKind::Additional => "Дополнительное образование",
            OrganizationKind::College => "Профессиональное образование",
            OrganizationKind::MunicipalAuthority => "Муниципальный орган управления образованием",
            OrganizationKind::RegionalAuthority => "Региональный орган управления образованием",
        }
    }

    /// NetSchool's `funcType`/`sft`: 1 preschool, 2 general, 3 additional (others: 0).
    pub fn func_type(self) -> i32 {
        match self {
            OrganizationKind::Preschool => 1,
            OrganizationKind::General => 2,
            OrganizationKind::Additional => 3,
            _ => 0,
        }
    }

    /// The kind for a NetSchool `sft`, if it names one.
    pub fn from_func_type(sft: i32) -> Option<OrganizationKind> {
        OrganizationKind::ALL
            .into_iter()
            .find(|k| k.func_type() == sft && sft != 0)
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Result<OrganizationKind, UnknownCode> {
        OrganizationKind::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| UnknownCode {
                what: "organization kind",
                value: code.to_owned(),
            })
    }

    /// True for education authorities, which have no students of their own.
    pub fn is_authority(self) -> bool {
        matches!(
            self,
            OrganizationKind::MunicipalAuthority | OrganizationKind::RegionalAuthority
        )
    }
}

impl TryFrom<String> for OrganizationKind {
    type Error = UnknownCode;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        OrganizationKind::from_code(&value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn func_types_follow_netschool() {
        assert_eq!(OrganizationKind::General.func_type(), 2);
        assert_eq!(
            OrganizationKind::from_func_type(1),
            Some(OrganizationKind::Preschool)
        );
        assert_eq!(OrganizationKind::from_func_type(0), None);
        for k in OrganizationKind::ALL {
            assert_eq!(OrganizationKind::from_code(k.code()).unwrap(), k);
        }
    }
}
