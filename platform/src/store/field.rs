//! `municipalities`, `grant_projects`, `terminals` and `participants`: what
//! the administrator sets up for the field point-grant app. Functions over a
//! connection or the caller's transaction; a row that exists already is an
//! `Ok(false)` from the insert (the schema's primary keys decide it).

use mynapoint_contract::grant::{GrantProject, Municipality, Participant};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::StoreError;

/// A terminal's stored state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalRecord {
    pub terminal_id: String,
    pub municipality_code: String,
    pub password_hash: String,
    /// SEC1 uncompressed P-256 point of the registered device.
    pub device_public_key: Option<Vec<u8>>,
    pub device_fingerprint: Option<String>,
    /// Wrong passwords in a row since the last good one (or the lock).
    pub failed_logins: u32,
    /// Unix seconds.
    pub locked_until: Option<i64>,
}

/// A grant project with what only the platform keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectRecord {
    pub project: GrantProject,
    pub municipality_code: String,
    /// The salt of the roster's person digests (16 bytes).
    pub roster_salt: Vec<u8>,
    pub roster_version: i64,
}

/// Inserts a municipality; `Ok(false)` when the code exists.
pub fn insert_municipality(
    tx: &Connection,
    m: &Municipality,
    now: i64,
) -> Result<bool, StoreError> {
    Ok(tx.execute(
        "INSERT INTO municipalities (code, name, point_name, expiry_days, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (code) DO NOTHING",
        params![m.code, m.name, m.point_name, m.expiry_days, now],
    )? == 1)
}

pub fn municipality(conn: &Connection, code: &str) -> Result<Option<Municipality>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT code, name, point_name, expiry_days FROM municipalities WHERE code = ?1",
            [code],
            |r| {
                Ok(Municipality {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    point_name: r.get(2)?,
                    expiry_days: r.get(3)?,
                })
            },
        )
        .optional()?)
}

/// Inserts a project (closed projects are made with `open = false`);
/// `Ok(false)` when the project ID exists.
pub fn insert_project(
    tx: &Connection,
    municipality_code: &str,
    p: &GrantProject,
    salt: &[u8],
    now: i64,
) -> Result<bool, StoreError> {
    Ok(tx.execute(
        "INSERT INTO grant_projects (project_id, municipality_code, point_id, name, department,
             points_per_grant, remarks, open, roster_salt, roster_version, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10)
         ON CONFLICT (project_id) DO NOTHING",
        params![
            p.project_id,
            municipality_code,
            p.point_id,
            p.name,
            p.department,
            p.points_per_grant,
            p.remarks,
            p.open,
            salt,
            now
        ],
    )? == 1)
}

const PROJECT_COLUMNS: &str = "project_id, point_id, name, department, points_per_grant, remarks,
     open, municipality_code, roster_salt, roster_version";

fn project_row(r: &Row<'_>) -> rusqlite::Result<ProjectRecord> {
    Ok(ProjectRecord {
        project: GrantProject {
            project_id: r.get(0)?,
            point_id: r.get(1)?,
            name: r.get(2)?,
            department: r.get(3)?,
            points_per_grant: r.get(4)?,
            remarks: r.get(5)?,
            open: r.get(6)?,
        },
        municipality_code: r.get(7)?,
        roster_salt: r.get(8)?,
        roster_version: r.get(9)?,
    })
}

pub fn project(conn: &Connection, project_id: &str) -> Result<Option<ProjectRecord>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {PROJECT_COLUMNS} FROM grant_projects WHERE project_id = ?1"),
            [project_id],
            project_row,
        )
        .optional()?)
}

/// The municipality's projects, by project ID.
pub fn projects_of(
    conn: &Connection,
    municipality_code: &str,
) -> Result<Vec<GrantProject>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PROJECT_COLUMNS} FROM grant_projects WHERE municipality_code = ?1 ORDER BY project_id"
    ))?;
    let rows = stmt.query_map([municipality_code], project_row)?;
    Ok(rows
        .map(|r| r.map(|p| p.project))
        .collect::<Result<_, _>>()?)
}

/// Opens or closes a project; `Ok(false)` when there is no such project.
pub fn set_open(tx: &Connection, project_id: &str, open: bool) -> Result<bool, StoreError> {
    Ok(tx.execute(
        "UPDATE grant_projects SET open = ?2 WHERE project_id = ?1",
        params![project_id, open],
    )? == 1)
}

/// Inserts a terminal; `Ok(false)` when the terminal ID exists.
pub fn insert_terminal(
    tx: &Connection,
    terminal_id: &str,
    municipality_code: &str,
    password_hash: &str,
    now: i64,
) -> Result<bool, StoreError> {
    Ok(tx.execute(
        "INSERT INTO terminals (terminal_id, municipality_code, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4) ON CONFLICT (terminal_id) DO NOTHING",
        params![terminal_id, municipality_code, password_hash, now],
    )? == 1)
}

pub fn terminal(
    conn: &Connection,
    terminal_id: &str,
) -> Result<Option<TerminalRecord>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT terminal_id, municipality_code, password_hash, device_public_key,
                    device_fingerprint, failed_logins, locked_until
             FROM terminals WHERE terminal_id = ?1",
            [terminal_id],
            |r| {
                Ok(TerminalRecord {
                    terminal_id: r.get(0)?,
                    municipality_code: r.get(1)?,
                    password_hash: r.get(2)?,
                    device_public_key: r.get(3)?,
                    device_fingerprint: r.get(4)?,
                    failed_logins: r.get(5)?,
                    locked_until: r.get(6)?,
                })
            },
        )
        .optional()?)
}

/// Records the wrong-password count and the lock.
pub fn set_login_failures(
    tx: &Connection,
    terminal_id: &str,
    failed_logins: u32,
    locked_until: Option<i64>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE terminals SET failed_logins = ?2, locked_until = ?3 WHERE terminal_id = ?1",
        params![terminal_id, failed_logins, locked_until],
    )?;
    Ok(())
}

/// Registers the device of a terminal (a good password: the count restarts).
pub fn register_device(
    tx: &Connection,
    terminal_id: &str,
    public_key: &[u8],
    fingerprint: &str,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE terminals SET device_public_key = ?2, device_fingerprint = ?3,
             registered_at = ?4, failed_logins = 0, locked_until = NULL
         WHERE terminal_id = ?1",
        params![terminal_id, public_key, fingerprint, now],
    )?;
    Ok(())
}

/// Forgets the registered device and the lock; `Ok(false)`: no such terminal.
pub fn forget_device(tx: &Connection, terminal_id: &str) -> Result<bool, StoreError> {
    Ok(tx.execute(
        "UPDATE terminals SET device_public_key = NULL, device_fingerprint = NULL,
             registered_at = NULL, failed_logins = 0, locked_until = NULL
         WHERE terminal_id = ?1",
        [terminal_id],
    )? == 1)
}

/// Adds or replaces a participant master row.
pub fn upsert_participant(
    tx: &Connection,
    p: &Participant,
    source: &str,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO participants (my_key_id, municipality_code, name, birth_date, address, sex,
             phone, email, remarks, source, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (my_key_id) DO UPDATE SET municipality_code = ?2, name = ?3,
             birth_date = ?4, address = ?5, sex = ?6, phone = ?7, email = ?8, remarks = ?9,
             source = ?10, updated_at = ?11",
        params![
            p.my_key_id,
            p.municipality_code,
            p.name,
            p.birth_date,
            p.address,
            p.sex,
            p.phone,
            p.email,
            p.remarks,
            source,
            now
        ],
    )?;
    Ok(())
}

pub fn participant(conn: &Connection, my_key_id: &str) -> Result<Option<Participant>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT my_key_id, municipality_code, name, birth_date, address, sex, phone, email,
                    remarks FROM participants WHERE my_key_id = ?1",
            [my_key_id],
            |r| {
                Ok(Participant {
                    my_key_id: r.get(0)?,
                    municipality_code: r.get(1)?,
                    name: r.get(2)?,
                    birth_date: r.get(3)?,
                    address: r.get(4)?,
                    sex: r.get(5)?,
                    phone: r.get(6)?,
                    email: r.get(7)?,
                    remarks: r.get(8)?,
                })
            },
        )
        .optional()?)
}
