//! Municipalities, their point and their grant projects
//! (`GET /v1/field/projects`).

use serde::{Deserialize, Serialize};

/// A municipality as a terminal sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Municipality {
    /// 6 digits with the check digit ([`crate::check_municipality`]).
    pub code: String,
    pub name: String,
    /// The municipality's point (e.g. "みなと健康ポイント").
    pub point_name: String,
    /// Days from the grant until granted points expire (e.g. 60).
    pub expiry_days: u32,
}

/// A grant project (付与事業).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantProject {
    /// 4 digits ([`crate::grant::check_project_id`]).
    pub project_id: String,
    /// 8 digits ([`crate::grant::check_point_id`]).
    pub point_id: String,
    pub name: String,
    pub department: String,
    /// Points granted per person (at least 1).
    pub points_per_grant: u32,
    #[serde(default)]
    pub remarks: String,
    /// A closed project takes no taps.
    pub open: bool,
}

/// `GET /v1/field/projects`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectList {
    pub municipality: Municipality,
    pub projects: Vec<GrantProject>,
}
