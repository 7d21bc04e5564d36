//! The schema, as an append-only list of migrations (never edit a shipped one).
//! Unique constraints carry the rules: one My Key ID per person, each My Key
//! ID once nationwide (revoked and retired ones stay taken), one application per person,
//! one person per (service, payment id).

use mynapoint_sqlite::{Migrations, M};

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- A person as the platform knows them: issuer and subject CN of the
-- user-authentication certificate (a reissued card keeps both).
CREATE TABLE persons (
    person_id  INTEGER PRIMARY KEY,
    issuer     TEXT NOT NULL,
    subject_cn TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (issuer, subject_cn)
) STRICT;

CREATE TABLE my_key_ids (
    person_id              INTEGER PRIMARY KEY REFERENCES persons (person_id),
    my_key_id              TEXT NOT NULL UNIQUE
        CHECK (length(my_key_id) = 8 AND my_key_id NOT GLOB '*[^A-Z0-9]*'),
    password_hash          TEXT NOT NULL,
    email                  TEXT,
    notify_points_granted  INTEGER NOT NULL,
    notify_points_expired  INTEGER NOT NULL,
    notify_password_changed INTEGER NOT NULL,
    notify_my_key_id_changes INTEGER NOT NULL,
    base_municipality      TEXT NOT NULL
        CHECK (length(base_municipality) = 6 AND base_municipality NOT GLOB '*[^0-9]*'),
    certificate_serial     TEXT NOT NULL,
    certificate_expires_at INTEGER NOT NULL,
    status                 TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    issued_at              INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL,
    revoked_at             INTEGER
) STRICT;

CREATE TABLE applications (
    application_id       TEXT PRIMARY KEY,
    person_id            INTEGER NOT NULL UNIQUE REFERENCES persons (person_id),
    service_id           TEXT NOT NULL,
    service_name         TEXT NOT NULL,
    terms_version        TEXT NOT NULL,
    payment_id           TEXT NOT NULL,
    payment_id_masked    TEXT NOT NULL,
    security_codes_nonce BLOB NOT NULL,
    security_codes_sealed BLOB NOT NULL,
    phone_last4          TEXT,
    -- The signed digest and the card's signature, sealed: with the other
    -- columns they would let a reader of the file brute-force short codes.
    evidence_nonce       BLOB NOT NULL,
    evidence_sealed      BLOB NOT NULL,
    session_id           TEXT NOT NULL,
    certificate_serial   TEXT NOT NULL,
    submitted_at         INTEGER NOT NULL,
    registered_at        INTEGER NOT NULL
) STRICT;

-- Stored responses of requests that carried an Idempotency-Key (2xx only;
-- the body is sealed because a login response holds a session token).
CREATE TABLE idempotency (
    scope         TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  BLOB NOT NULL, -- keyed: the request body holds security codes
    status        INTEGER NOT NULL,
    body_nonce    BLOB NOT NULL,
    body_sealed   BLOB NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
) STRICT;
"#,
        ),
        // Changing a My Key ID: the old id is retired, never issued again.
        M::up(
            r#"
ALTER TABLE my_key_ids ADD COLUMN changed_at INTEGER;

CREATE TABLE retired_my_key_ids (
    my_key_id  TEXT PRIMARY KEY
        CHECK (length(my_key_id) = 8 AND my_key_id NOT GLOB '*[^A-Z0-9]*'),
    person_id  INTEGER NOT NULL REFERENCES persons (person_id),
    retired_at INTEGER NOT NULL
) STRICT;
"#,
        ),
        // Applications for a child under 15 by a legal representative (all
        // child columns NULL for an ordinary application), and the payment
        // account rule: a (service, payment id) pair holds one person's points.
        // The payment id is stored in clear (masked in answers), so the index
        // is on the column itself.
        M::up(
            r#"
ALTER TABLE applications ADD COLUMN child_birth_date TEXT
    CHECK (child_birth_date IS NULL
           OR (length(child_birth_date) = 8 AND child_birth_date NOT GLOB '*[^0-9]*'));
ALTER TABLE applications ADD COLUMN representative_serial TEXT;
ALTER TABLE applications ADD COLUMN representative_issuer TEXT;
ALTER TABLE applications ADD COLUMN representative_cn TEXT;
-- The representative's signature over the digest, sealed like the applicant's.
ALTER TABLE applications ADD COLUMN representative_signature_nonce BLOB;
ALTER TABLE applications ADD COLUMN representative_signature_sealed BLOB;

CREATE UNIQUE INDEX applications_payment_account ON applications (service_id, payment_id);
"#,
        ),
        // The point categories of the 2nd installment (issue 11). Each
        // person's eligibility facts (from other public systems, set by the
        // administrator); the categories an application covers, each added
        // with the card's signature (NULL evidence: the application's own
        // signature covers it; applications from before this step covered
        // category (1), the only one then). An application on the 1st
        // installment's service has no payment details of its own (the
        // service holds the account since then), hence the rebuilt table
        // with nullable payment columns.
        M::up(
            r#"
CREATE TABLE eligibility_facts (
    person_id                       INTEGER PRIMARY KEY REFERENCES persons (person_id),
    first_service_id                TEXT,
    first_applied_on                TEXT
        CHECK (first_applied_on IS NULL
               OR (length(first_applied_on) = 8 AND first_applied_on NOT GLOB '*[^0-9]*')),
    first_earned_yen                INTEGER CHECK (first_earned_yen BETWEEN 0 AND 5000),
    health_insurance_registered_on  TEXT
        CHECK (health_insurance_registered_on IS NULL
               OR (length(health_insurance_registered_on) = 8
                   AND health_insurance_registered_on NOT GLOB '*[^0-9]*')),
    public_fund_account_registered_on TEXT
        CHECK (public_fund_account_registered_on IS NULL
               OR (length(public_fund_account_registered_on) = 8
                   AND public_fund_account_registered_on NOT GLOB '*[^0-9]*')),
    updated_at                      INTEGER NOT NULL,
    CHECK ((first_service_id IS NULL) = (first_applied_on IS NULL)
           AND (first_service_id IS NULL) = (first_earned_yen IS NULL))
) STRICT;

CREATE TABLE applications_v4 (
    application_id       TEXT PRIMARY KEY,
    person_id            INTEGER NOT NULL UNIQUE REFERENCES persons (person_id),
    service_id           TEXT NOT NULL,
    service_name         TEXT NOT NULL,
    terms_version        TEXT,
    payment_id           TEXT,
    payment_id_masked    TEXT,
    security_codes_nonce BLOB,
    security_codes_sealed BLOB,
    phone_last4          TEXT,
    evidence_nonce       BLOB NOT NULL,
    evidence_sealed      BLOB NOT NULL,
    session_id           TEXT NOT NULL,
    certificate_serial   TEXT NOT NULL,
    submitted_at         INTEGER NOT NULL,
    registered_at        INTEGER NOT NULL,
    child_birth_date     TEXT
        CHECK (child_birth_date IS NULL
               OR (length(child_birth_date) = 8 AND child_birth_date NOT GLOB '*[^0-9]*')),
    representative_serial TEXT,
    representative_issuer TEXT,
    representative_cn    TEXT,
    representative_signature_nonce BLOB,
    representative_signature_sealed BLOB,
    -- 1: on the 1st installment's service, no payment details here.
    first_installment    INTEGER NOT NULL DEFAULT 0 CHECK (first_installment IN (0, 1)),
    CHECK ((first_installment = 1) = (payment_id IS NULL)
           AND (payment_id IS NULL) = (security_codes_sealed IS NULL)
           AND (payment_id IS NULL) = (terms_version IS NULL))
) STRICT;

INSERT INTO applications_v4 (application_id, person_id, service_id, service_name,
    terms_version, payment_id, payment_id_masked, security_codes_nonce,
    security_codes_sealed, phone_last4, evidence_nonce, evidence_sealed, session_id,
    certificate_serial, submitted_at, registered_at, child_birth_date,
    representative_serial, representative_issuer, representative_cn,
    representative_signature_nonce, representative_signature_sealed, first_installment)
SELECT application_id, person_id, service_id, service_name,
    terms_version, payment_id, payment_id_masked, security_codes_nonce,
    security_codes_sealed, phone_last4, evidence_nonce, evidence_sealed, session_id,
    certificate_serial, submitted_at, registered_at, child_birth_date,
    representative_serial, representative_issuer, representative_cn,
    representative_signature_nonce, representative_signature_sealed, 0
FROM applications;

DROP TABLE applications;
ALTER TABLE applications_v4 RENAME TO applications;
CREATE UNIQUE INDEX applications_payment_account ON applications (service_id, payment_id);

CREATE TABLE application_categories (
    application_id  TEXT NOT NULL REFERENCES applications (application_id),
    category        TEXT NOT NULL
        CHECK (category IN ('card_acquisition', 'health_insurance', 'public_fund_account')),
    applied_at      INTEGER NOT NULL,
    registered_at   INTEGER NOT NULL,
    -- The addition's session and sealed digest || signature; NULL for the
    -- categories the application itself was signed with.
    session_id      TEXT,
    evidence_nonce  BLOB,
    evidence_sealed BLOB,
    PRIMARY KEY (application_id, category)
) STRICT;

INSERT INTO application_categories (application_id, category, applied_at, registered_at)
SELECT application_id, 'card_acquisition', submitted_at, registered_at FROM applications;
"#,
        ),
        // The field point-grant app (seed 003 §V): municipalities and their
        // point, grant projects (with the salt of their roster's person
        // digests and the roster's version), terminals (the registered
        // device, the wrong-password count and lock), the roster (a removed
        // entry stays as a tombstone with its version, so an incremental
        // sync can say it left), the participant master, every tap received
        // (its outcome, so a re-sent tap answers the same), the grants (one
        // per person and project: the rule "never twice" is this UNIQUE),
        // and the outbox of e-mails.
        M::up(
            r#"
CREATE TABLE municipalities (
    code        TEXT PRIMARY KEY
        CHECK (length(code) = 6 AND code NOT GLOB '*[^0-9]*'),
    name        TEXT NOT NULL,
    point_name  TEXT NOT NULL,
    expiry_days INTEGER NOT NULL CHECK (expiry_days BETWEEN 1 AND 3650),
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE grant_projects (
    project_id        TEXT PRIMARY KEY
        CHECK (length(project_id) = 4 AND project_id NOT GLOB '*[^0-9]*'),
    municipality_code TEXT NOT NULL REFERENCES municipalities (code),
    point_id          TEXT NOT NULL
        CHECK (length(point_id) = 8 AND point_id NOT GLOB '*[^0-9]*'),
    name              TEXT NOT NULL,
    department        TEXT NOT NULL,
    points_per_grant  INTEGER NOT NULL CHECK (points_per_grant >= 1),
    remarks           TEXT NOT NULL,
    open              INTEGER NOT NULL CHECK (open IN (0, 1)),
    roster_salt       BLOB NOT NULL CHECK (length(roster_salt) = 16),
    roster_version    INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL
) STRICT;

CREATE TABLE terminals (
    terminal_id        TEXT PRIMARY KEY
        CHECK (length(terminal_id) = 8 AND terminal_id NOT GLOB '*[^0-9]*'),
    municipality_code  TEXT NOT NULL REFERENCES municipalities (code),
    password_hash      TEXT NOT NULL,
    device_public_key  BLOB,
    device_fingerprint TEXT,
    failed_logins      INTEGER NOT NULL DEFAULT 0,
    locked_until       INTEGER,
    created_at         INTEGER NOT NULL,
    registered_at      INTEGER
) STRICT;

CREATE TABLE roster_entries (
    project_id    TEXT NOT NULL REFERENCES grant_projects (project_id),
    my_key_id     TEXT NOT NULL,
    person_id     INTEGER NOT NULL REFERENCES persons (person_id),
    person_digest BLOB NOT NULL CHECK (length(person_digest) = 32),
    points        INTEGER NOT NULL CHECK (points >= 1),
    removed       INTEGER NOT NULL CHECK (removed IN (0, 1)),
    version       INTEGER NOT NULL,
    PRIMARY KEY (project_id, person_id)
) STRICT;
CREATE INDEX roster_by_version ON roster_entries (project_id, version);

CREATE TABLE participants (
    my_key_id         TEXT PRIMARY KEY
        CHECK (length(my_key_id) = 8 AND my_key_id NOT GLOB '*[^A-Z0-9]*'),
    municipality_code TEXT NOT NULL,
    name              TEXT NOT NULL,
    birth_date        TEXT NOT NULL,
    address           TEXT NOT NULL,
    sex               TEXT NOT NULL CHECK (sex IN ('1', '2', '9')),
    phone             TEXT NOT NULL,
    email             TEXT NOT NULL,
    remarks           TEXT NOT NULL,
    source            TEXT NOT NULL,
    updated_at        INTEGER NOT NULL
) STRICT;

CREATE TABLE taps (
    tap_id             TEXT PRIMARY KEY,
    batch_id           TEXT NOT NULL,
    terminal_id        TEXT NOT NULL REFERENCES terminals (terminal_id),
    project_id         TEXT NOT NULL,
    tapped_at          INTEGER NOT NULL,
    person_id          INTEGER REFERENCES persons (person_id),
    certificate_serial TEXT NOT NULL,
    offline_verdict    TEXT NOT NULL,
    result             TEXT NOT NULL CHECK (result IN
        ('granted', 'already_granted', 'not_on_roster', 'no_my_key_id', 'refused')),
    reason             TEXT,
    points             INTEGER,
    received_at        INTEGER NOT NULL,
    resolved_at        INTEGER
) STRICT;
CREATE INDEX taps_by_project_result ON taps (project_id, result, person_id);

CREATE TABLE grants (
    grant_id          INTEGER PRIMARY KEY,
    person_id         INTEGER NOT NULL REFERENCES persons (person_id),
    project_id        TEXT NOT NULL REFERENCES grant_projects (project_id),
    municipality_code TEXT NOT NULL,
    point_id          TEXT NOT NULL,
    points            INTEGER NOT NULL CHECK (points >= 1),
    granted_at        INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL,
    tap_id            TEXT,
    UNIQUE (person_id, project_id)
) STRICT;

CREATE TABLE outbox (
    mail_id    INTEGER PRIMARY KEY,
    to_address TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER
) STRICT;
"#,
        ),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        super::migrations().validate().unwrap();
    }
}
