//! `eligibility_facts`: what each point category depends on, per person
//! (the 1st-installment application, the health-insurance-card and the
//! public-fund-account registrations), as other public systems hold them.

use mynapoint_contract::{EligibilityFacts, FirstInstallment};
use rusqlite::{params, Connection, OptionalExtension};

use super::StoreError;

/// The person's facts; none recorded reads as none at all.
pub fn of_person(conn: &Connection, person_id: i64) -> Result<EligibilityFacts, StoreError> {
    Ok(conn
        .query_row(
            "SELECT first_service_id, first_applied_on, first_earned_yen,
                    health_insurance_registered_on, public_fund_account_registered_on
             FROM eligibility_facts WHERE person_id = ?1",
            [person_id],
            |r| {
                let first = match r.get::<_, Option<String>>(0)? {
                    None => None,
                    Some(service_id) => Some(FirstInstallment {
                        service_id,
                        applied_on: r.get(1)?,
                        earned_yen: r.get(2)?,
                    }),
                };
                Ok(EligibilityFacts {
                    first_installment: first,
                    health_insurance_registered_on: r.get(3)?,
                    public_fund_account_registered_on: r.get(4)?,
                })
            },
        )
        .optional()?
        .unwrap_or_default())
}

/// Replaces the person's facts (inside the caller's transaction).
pub fn set(
    tx: &Connection,
    person_id: i64,
    facts: &EligibilityFacts,
    now: i64,
) -> Result<(), StoreError> {
    let first = facts.first_installment.as_ref();
    tx.execute(
        "INSERT INTO eligibility_facts (person_id, first_service_id, first_applied_on,
                first_earned_yen, health_insurance_registered_on,
                public_fund_account_registered_on, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (person_id) DO UPDATE SET
            first_service_id = excluded.first_service_id,
            first_applied_on = excluded.first_applied_on,
            first_earned_yen = excluded.first_earned_yen,
            health_insurance_registered_on = excluded.health_insurance_registered_on,
            public_fund_account_registered_on = excluded.public_fund_account_registered_on,
            updated_at = excluded.updated_at",
        params![
            person_id,
            first.map(|f| &f.service_id),
            first.map(|f| &f.applied_on),
            first.map(|f| f.earned_yen),
            facts.health_insurance_registered_on,
            facts.public_fund_account_registered_on,
            now,
        ],
    )?;
    Ok(())
}
