//! The school calendar as use cases return it: academic years and their periods.

use chrono::NaiveDate;
use sgo_core::{OrganizationId, PeriodId, YearId};
use sgo_store::{AcademicYearRecord, PeriodRecord};

/// An academic year of a school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcademicYear {
    /// The year.
    pub id: YearId,
    /// Its school.
    pub organization_id: OrganizationId,
    /// «2026/2027».
    pub name: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
}

impl From<AcademicYearRecord> for AcademicYear {
    fn from(r: AcademicYearRecord) -> AcademicYear {
        AcademicYear {
            id: YearId::new(r.id),
            organization_id: OrganizationId::new(r.organization_id),
            name: r.name,
            start_date: r.start_date,
            end_date: r.end_date,
        }
    }
}

/// A period of an academic year (quarter, trimester, half-year, year) for a span of grades.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// The period.
    pub id: PeriodId,
    /// Its academic year.
    pub academic_year_id: YearId,
    /// `quarter`, `trimester`, `half_year` or `year`.
    pub kind: String,
    /// Its place in the year, from 1.
    pub number: i32,
    /// «1 четверть».
    pub name: String,
    /// First grade it is for.
    pub grade_from: i32,
    /// Last grade it is for.
    pub grade_to: i32,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
}

impl From<PeriodRecord> for Period {
    fn from(r: PeriodRecord) -> Period {
        Period {
            id: PeriodId::new(r.id),
            academic_year_id: YearId::new(r.academic_year_id),
            kind: r.kind,
            number: r.number,
            name: r.name,
            grade_from: r.grade_from,
            grade_to: r.grade_to,
            start_date: r.start_date,
            end_date: r.end_date,
        }
    }
}
