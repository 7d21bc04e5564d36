//! `applications`: one My Number Points application per person (a UNIQUE
//! person), one person per payment account (a UNIQUE (service, payment id)),
//! and `application_categories`: the point categories it covers, each once
//! (a primary key). The security codes, the signed digests and the
//! signatures stay sealed.

use mynapoint_contract::Category;
use rusqlite::{params, Connection, OptionalExtension};

use super::StoreError;

/// A category an application covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryRecord {
    pub category: Category,
    pub applied_at: i64,
    pub registered_at: i64,
}

/// Categories added to an application with a new card signature.
pub struct CategoryAdditionRecord<'a> {
    pub application_id: &'a str,
    pub categories: &'a [Category],
    pub applied_at: i64,
    pub registered_at: i64,
    pub session_id: &'a str,
    /// Sealed `digest (32 bytes) || signature`.
    pub evidence_nonce: &'a [u8],
    pub evidence_sealed: &'a [u8],
}

/// What adding categories did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddOutcome {
    Added,
    /// The application covers this category already (nothing was added).
    AlreadyApplied(Category),
}

/// A stored application. The security codes stay sealed.
#[derive(Clone, PartialEq, Eq)]
pub struct ApplicationRecord {
    pub application_id: String,
    pub person_id: i64,
    pub service_id: String,
    pub service_name: String,
    /// The payment details: `None` for an application on the 1st
    /// installment's service (`first_installment`).
    pub terms_version: Option<String>,
    pub payment_id: Option<String>,
    pub payment_id_masked: Option<String>,
    pub security_codes_nonce: Option<Vec<u8>>,
    pub security_codes_sealed: Option<Vec<u8>>,
    pub phone_last4: Option<String>,
    /// Sealed `digest (32 bytes) || signature`.
    pub evidence_nonce: Vec<u8>,
    pub evidence_sealed: Vec<u8>,
    pub session_id: String,
    pub certificate_serial: String,
    pub submitted_at: i64,
    pub registered_at: i64,
    /// Set for an application for a child under 15 by a legal representative.
    pub child: Option<ChildApplication>,
    /// On the service chosen at the 1st installment (no payment details here).
    pub first_installment: bool,
    /// The categories it covers, in [`Category::ALL`] order.
    pub categories: Vec<CategoryRecord>,
}

/// The child part of an application: the child's birth date and the legal
/// representative (certificate serial, issuer + subject CN, sealed signature).
#[derive(Clone, PartialEq, Eq)]
pub struct ChildApplication {
    /// `YYYYMMDD`.
    pub birth_date: String,
    pub representative_serial: String,
    pub representative_issuer: String,
    pub representative_cn: String,
    pub representative_signature_nonce: Vec<u8>,
    pub representative_signature_sealed: Vec<u8>,
}

impl std::fmt::Debug for ChildApplication {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChildApplication")
            .field("representative_serial", &self.representative_serial)
            .finish_non_exhaustive()
    }
}

/// What inserting an application did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertOutcome {
    Inserted,
    /// The person already has an application.
    AlreadyApplied,
    /// Another person's application uses the same (service, payment id).
    PaymentAccountInUse,
}

impl std::fmt::Debug for ApplicationRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApplicationRecord")
            .field("application_id", &self.application_id)
            .field("service_id", &self.service_id)
            .field("payment_id_masked", &self.payment_id_masked)
            .field("submitted_at", &self.submitted_at)
            .finish_non_exhaustive()
    }
}

/// Whether another person's application uses this payment account.
pub fn used_by_other(
    conn: &Connection,
    service_id: &str,
    payment_id: &str,
    person_id: i64,
) -> Result<bool, StoreError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM applications
             WHERE service_id = ?1 AND payment_id = ?2 AND person_id <> ?3",
            params![service_id, payment_id, person_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

pub fn of_person(
    conn: &Connection,
    person_id: i64,
) -> Result<Option<ApplicationRecord>, StoreError> {
    conn.query_row(
        "SELECT application_id, person_id, service_id, service_name, terms_version,
                    payment_id, payment_id_masked, security_codes_nonce, security_codes_sealed,
                    phone_last4, evidence_nonce, evidence_sealed, session_id, certificate_serial,
                    submitted_at, registered_at, child_birth_date, representative_serial,
                    representative_issuer, representative_cn,
                    representative_signature_nonce, representative_signature_sealed,
                    first_installment
             FROM applications WHERE person_id = ?1",
        [person_id],
        |r| {
            Ok(ApplicationRecord {
                application_id: r.get(0)?,
                person_id: r.get(1)?,
                service_id: r.get(2)?,
                service_name: r.get(3)?,
                terms_version: r.get(4)?,
                payment_id: r.get(5)?,
                payment_id_masked: r.get(6)?,
                security_codes_nonce: r.get(7)?,
                security_codes_sealed: r.get(8)?,
                phone_last4: r.get(9)?,
                evidence_nonce: r.get(10)?,
                evidence_sealed: r.get(11)?,
                session_id: r.get(12)?,
                certificate_serial: r.get(13)?,
                submitted_at: r.get(14)?,
                registered_at: r.get(15)?,
                child: match r.get::<_, Option<String>>(16)? {
                    None => None,
                    Some(birth_date) => Some(ChildApplication {
                        birth_date,
                        representative_serial: r.get(17)?,
                        representative_issuer: r.get(18)?,
                        representative_cn: r.get(19)?,
                        representative_signature_nonce: r.get(20)?,
                        representative_signature_sealed: r.get(21)?,
                    }),
                },
                first_installment: r.get::<_, i64>(22)? == 1,
                categories: Vec::new(),
            })
        },
    )
    .optional()?
    .map(|mut record| {
        record.categories = categories_of(conn, &record.application_id)?;
        Ok::<_, StoreError>(record)
    })
    .transpose()
}

/// The categories of an application, in [`Category::ALL`] order.
fn categories_of(
    conn: &Connection,
    application_id: &str,
) -> Result<Vec<CategoryRecord>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT category, applied_at, registered_at FROM application_categories
         WHERE application_id = ?1",
    )?;
    let rows = stmt.query_map([application_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (name, applied_at, registered_at) = row?;
        // The schema's CHECK holds the names to the three.
        if let Some(category) = Category::from_code(&name) {
            out.push(CategoryRecord {
                category,
                applied_at,
                registered_at,
            });
        }
    }
    out.sort_by_key(|c| c.category);
    Ok(out)
}

fn insert_category(
    tx: &Connection,
    application_id: &str,
    category: Category,
    applied_at: i64,
    registered_at: i64,
    evidence: Option<(&str, &[u8], &[u8])>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO application_categories (application_id, category, applied_at,
                registered_at, session_id, evidence_nonce, evidence_sealed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            application_id,
            category.as_str(),
            applied_at,
            registered_at,
            evidence.map(|e| e.0),
            evidence.map(|e| e.1),
            evidence.map(|e| e.2),
        ],
    )?;
    Ok(())
}

/// Adds categories to an application (inside the caller's transaction),
/// unless it covers one of them already.
pub fn add_categories(
    tx: &Connection,
    a: &CategoryAdditionRecord<'_>,
) -> Result<AddOutcome, StoreError> {
    let have = categories_of(tx, a.application_id)?;
    if let Some(c) = a
        .categories
        .iter()
        .find(|c| have.iter().any(|h| h.category == **c))
    {
        return Ok(AddOutcome::AlreadyApplied(*c));
    }
    for c in a.categories {
        insert_category(
            tx,
            a.application_id,
            *c,
            a.applied_at,
            a.registered_at,
            Some((a.session_id, a.evidence_nonce, a.evidence_sealed)),
        )?;
    }
    Ok(AddOutcome::Added)
}

/// Inserts the person's one application with its categories (covered by
/// its own signature), unless the person has one or
/// another person's application uses the same (service, payment id).
pub fn insert(tx: &Connection, a: &ApplicationRecord) -> Result<InsertOutcome, StoreError> {
    let applied = tx
        .query_row(
            "SELECT 1 FROM applications WHERE person_id = ?1",
            [a.person_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if applied {
        return Ok(InsertOutcome::AlreadyApplied);
    }
    let account_used = match &a.payment_id {
        None => false,
        Some(payment_id) => tx
            .query_row(
                "SELECT 1 FROM applications WHERE service_id = ?1 AND payment_id = ?2",
                [&a.service_id, payment_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some(),
    };
    if account_used {
        return Ok(InsertOutcome::PaymentAccountInUse);
    }
    let child = a.child.as_ref();
    tx.execute(
        "INSERT INTO applications (application_id, person_id, service_id, service_name,
                terms_version, payment_id, payment_id_masked, security_codes_nonce,
                security_codes_sealed, phone_last4, evidence_nonce, evidence_sealed, session_id,
                certificate_serial, submitted_at, registered_at, child_birth_date,
                representative_serial, representative_issuer, representative_cn,
                representative_signature_nonce, representative_signature_sealed,
                first_installment)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
        params![
            a.application_id,
            a.person_id,
            a.service_id,
            a.service_name,
            a.terms_version,
            a.payment_id,
            a.payment_id_masked,
            a.security_codes_nonce,
            a.security_codes_sealed,
            a.phone_last4,
            a.evidence_nonce,
            a.evidence_sealed,
            a.session_id,
            a.certificate_serial,
            a.submitted_at,
            a.registered_at,
            child.map(|c| &c.birth_date),
            child.map(|c| &c.representative_serial),
            child.map(|c| &c.representative_issuer),
            child.map(|c| &c.representative_cn),
            child.map(|c| &c.representative_signature_nonce),
            child.map(|c| &c.representative_signature_sealed),
            i64::from(a.first_installment),
        ],
    )?;
    for c in &a.categories {
        insert_category(
            tx,
            &a.application_id,
            c.category,
            c.applied_at,
            c.registered_at,
            None,
        )?;
    }
    Ok(InsertOutcome::Inserted)
}
