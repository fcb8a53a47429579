//! Whose schools a report across schools may cover: a school's administration sees its own
//! school, a municipal education authority the schools it oversees, the regional authority and
//! the region administrator the whole region. Everyone else sees no school summaries.

use crate::{OrganizationId, RegionId};

/// The schools a report across schools covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportTerritory {
    /// One school, for its own administration.
    School(OrganizationId),
    /// The schools a municipal authority oversees (the authority's id).
    Municipal(OrganizationId),
    /// Every school of the region (the region's id).
    Regional(RegionId),
}
