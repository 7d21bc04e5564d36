//! The contract's types (`mynapoint-contract`, used by the server, the core
//! client and the test double) against the schemas of `openapi.yaml`, in
//! both directions, type by type:
//! - the keys a fully filled value serializes are the schema's properties;
//! - the keys a value with every `Option` empty still serializes are the
//!   schema's `required` (a null among them must be allowed by the schema);
//! - a document without any one of the schema's optional keys still reads;
//! - every enum's wire names are the schema's `enum`.

use std::collections::BTreeSet;

use mynapoint_contract::*;
use mynapoint_platform::OPENAPI_YAML;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value as Json;
use serde_yaml::Value as Yaml;

fn doc() -> Yaml {
    serde_yaml::from_str(OPENAPI_YAML).expect("openapi.yaml parses")
}

/// A `$ref`'s target, or the node itself.
fn resolve<'a>(doc: &'a Yaml, node: &'a Yaml) -> &'a Yaml {
    match node["$ref"].as_str() {
        Some(r) => {
            let mut target = doc;
            for part in r.trim_start_matches("#/").split('/') {
                target = &target[part];
            }
            resolve(doc, target)
        }
        None => node,
    }
}

/// An object schema's properties (name -> schema) and required names,
/// `allOf` parts merged.
fn object_shape<'a>(
    doc: &'a Yaml,
    schema: &'a Yaml,
) -> (Vec<(String, &'a Yaml)>, BTreeSet<String>) {
    let schema = resolve(doc, schema);
    let mut properties = Vec::new();
    let mut required = BTreeSet::new();
    if let Some(parts) = schema["allOf"].as_sequence() {
        for part in parts {
            let (p, r) = object_shape(doc, part);
            properties.extend(p);
            required.extend(r);
        }
    }
    if let Some(map) = schema["properties"].as_mapping() {
        for (k, v) in map {
            properties.push((k.as_str().unwrap().to_owned(), v));
        }
    }
    if let Some(names) = schema["required"].as_sequence() {
        required.extend(names.iter().map(|n| n.as_str().unwrap().to_owned()));
    }
    (properties, required)
}

/// Whether a property's schema admits null.
fn allows_null(doc: &Yaml, schema: &Yaml) -> bool {
    let schema = resolve(doc, schema);
    let in_type = match &schema["type"] {
        Yaml::String(t) => t == "null",
        Yaml::Sequence(ts) => ts.iter().any(|t| t.as_str() == Some("null")),
        _ => false,
    };
    in_type
        || ["oneOf", "anyOf"].iter().any(|k| {
            schema[*k]
                .as_sequence()
                .is_some_and(|alts| alts.iter().any(|a| allows_null(doc, a)))
        })
}

fn keys(value: &Json) -> BTreeSet<String> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect()
}

/// Checks one type against `components/schemas/<name>`.
fn check<T: Serialize + DeserializeOwned>(
    doc: &Yaml,
    name: &str,
    full: &T,
    minimal: &T,
    problems: &mut Vec<String>,
) {
    let schema = &doc["components"]["schemas"][name];
    assert!(!schema.is_null(), "no schema {name}");
    let (properties, required) = object_shape(doc, schema);
    let documented: BTreeSet<String> = properties.iter().map(|(k, _)| k.clone()).collect();
    let full = serde_json::to_value(full).unwrap();
    let minimal = serde_json::to_value(minimal).unwrap();
    if keys(&full) != documented {
        problems.push(format!(
            "{name}: the type has {:?}, the schema {documented:?}",
            keys(&full)
        ));
    }
    if keys(&minimal) != required {
        problems.push(format!(
            "{name}: the type always sends {:?}, the schema requires {required:?}",
            keys(&minimal)
        ));
    }
    for (key, value) in minimal.as_object().unwrap() {
        let property = properties.iter().find(|(k, _)| k == key).map(|(_, s)| *s);
        if value.is_null() && !property.is_some_and(|s| allows_null(doc, s)) {
            problems.push(format!(
                "{name}.{key}: the type sends null, the schema does not allow it"
            ));
        }
    }
    for key in documented.difference(&required) {
        let mut without = full.clone();
        without.as_object_mut().unwrap().remove(key);
        if let Err(e) = serde_json::from_value::<T>(without) {
            problems.push(format!(
                "{name}: without the optional `{key}` the type does not read: {e}"
            ));
        }
    }
    match serde_json::from_value::<T>(full.clone()) {
        Ok(back) if serde_json::to_value(&back).unwrap() == full => {}
        _ => problems.push(format!("{name}: a full value does not read back as itself")),
    }
}

/// Checks that `values` serialize to the schema node's `enum`.
fn check_enum<T: Serialize>(
    doc: &Yaml,
    what: &str,
    node: &Yaml,
    values: &[T],
    problems: &mut Vec<String>,
) {
    let node = resolve(doc, node);
    let documented: BTreeSet<String> = node["enum"]
        .as_sequence()
        .unwrap_or_else(|| panic!("{what}: no enum"))
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    let ours: BTreeSet<String> = values
        .iter()
        .map(|v| {
            serde_json::to_value(v)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    if ours != documented {
        problems.push(format!(
            "{what}: the type has {ours:?}, the schema {documented:?}"
        ));
    }
}

fn service() -> Service {
    Service {
        service_id: "s".into(),
        name: "n".into(),
        name_kana: "k".into(),
        name_latin: "l".into(),
        kind: ServiceKind::Qr,
        terms: "t".into(),
        terms_version: "1".into(),
        payment_id: PaymentIdRule {
            label: "id".into(),
            min_len: 1,
            max_len: 2,
            charset: Charset::Digits,
        },
        security_codes: vec![SecurityCodeRule {
            label: "c".into(),
            len: 4,
            charset: Charset::Alnum,
        }],
    }
}

fn content(full: bool) -> ApplicationContent {
    ApplicationContent {
        service_id: "s".into(),
        terms_version: "1".into(),
        payment_id: "12".into(),
        security_codes: vec!["abcd".into()],
        phone_last4: full.then(|| "1234".into()),
        for_child: full.then(|| ForChild {
            birth_date: "20150101".into(),
            representative_certificate: vec![1, 2, 3],
        }),
        categories: vec![Category::CardAcquisition],
    }
}

fn record(full: bool) -> MyKeyIdRecord {
    MyKeyIdRecord {
        my_key_id: "AB12CD34".into(),
        certificate_serial: "0A".into(),
        certificate_expires_at: 1,
        email: full.then(|| "a@b.jp".into()),
        notifications: Notifications::default(),
        base_municipality: "131016".into(),
        status: MyKeyIdStatus::Active,
        changed_at: full.then_some(2),
    }
}

fn application(full: bool) -> Application {
    Application {
        application_id: "id".into(),
        status: ApplicationStatus::Submitted,
        service_id: "s".into(),
        service_name: "n".into(),
        payment_id_masked: full.then(|| "*2".into()),
        submitted_at: 1,
        for_child: full.then(|| ChildInfo {
            birth_date: "20150101".into(),
            representative_serial: "0A".into(),
        }),
        categories: vec![AppliedCategory {
            category: Category::HealthInsurance,
            amount_yen: 7500,
            status: ApplicationStatus::Submitted,
            applied_at: 1,
        }],
    }
}

#[test]
fn every_contract_type_matches_its_schema() {
    let doc = doc();
    let d = &doc;
    let mut p = Vec::new();

    let health = Health::ok();
    check(d, "Health", &health, &health, &mut p);
    let challenge = Challenge {
        challenge_id: "c".into(),
        challenge: vec![0; 32],
        expires_at: 1,
    };
    check(d, "Challenge", &challenge, &challenge, &mut p);
    let login = LoginRequest {
        challenge_id: "c".into(),
        certificate: vec![1],
        signature: vec![2],
    };
    check(d, "LoginRequest", &login, &login, &mut p);
    let response = |full: bool| LoginResponse {
        session_token: SessionToken::new("t"),
        expires_at: 1,
        certificate_serial: "0A".into(),
        my_key_id: full.then(|| "AB12CD34".into()),
        card_reissued: false,
    };
    check(
        d,
        "LoginResponse",
        &response(true),
        &response(false),
        &mut p,
    );
    check(d, "MyKeyId", &record(true), &record(false), &mut p);
    let n = Notifications::default();
    check(d, "Notifications", &n, &n, &mut p);
    let candidate = Candidate {
        candidate: "AB12CD34".into(),
        attempt: 1,
        is_final: false,
    };
    check(d, "Candidate", &candidate, &candidate, &mut p);
    let check_request = CheckRequest {
        my_key_id: "AB12CD34".into(),
    };
    check(d, "CheckRequest", &check_request, &check_request, &mut p);
    let result = CheckResult {
        available: true,
        checks_used: 1,
        fallback_to_auto: false,
    };
    check(d, "CheckResult", &result, &result, &mut p);
    let issue = |full: bool| IssueRequest {
        mode: IssueMode::Auto,
        my_key_id: "AB12CD34".into(),
        password: "abc123".into(),
        email: full.then(|| "a@b.jp".into()),
        notifications: Notifications::default(),
        base_municipality: "131016".into(),
    };
    check(
        d,
        "IssueMyKeyIdRequest",
        &issue(true),
        &issue(false),
        &mut p,
    );
    let change = ChangeRequest {
        mode: IssueMode::Own,
        my_key_id: "AB12CD34".into(),
    };
    check(d, "ChangeMyKeyIdRequest", &change, &change, &mut p);
    let revoke = RevokeResult {
        status: MyKeyIdStatus::Revoked,
    };
    check(d, "RevokeResult", &revoke, &revoke, &mut p);
    let list = ServiceList {
        services: vec![service().summary()],
    };
    check(d, "ServiceList", &list, &list, &mut p);
    check(
        d,
        "ServiceSummary",
        &service().summary(),
        &service().summary(),
        &mut p,
    );
    check(d, "Service", &service(), &service(), &mut p);
    let s = service();
    check(d, "PaymentIdRule", &s.payment_id, &s.payment_id, &mut p);
    check(
        d,
        "SecurityCodeRule",
        &s.security_codes[0],
        &s.security_codes[0],
        &mut p,
    );
    check(
        d,
        "ApplicationContent",
        &content(true),
        &content(false),
        &mut p,
    );
    let child = content(true).for_child.unwrap();
    check(d, "ForChild", &child, &child, &mut p);
    let request = |full: bool| ApplicationRequest {
        content: content(full),
        signature: vec![1],
        representative_signature: full.then(|| vec![2]),
    };
    check(
        d,
        "ApplicationRequest",
        &request(true),
        &request(false),
        &mut p,
    );
    let summary = ContentSummary {
        service_name: "n".into(),
        payment_id_masked: Some("*2".into()),
        categories: vec![Category::CardAcquisition],
        total_yen: 5000,
    };
    let summary_none = ContentSummary {
        payment_id_masked: None,
        ..summary.clone()
    };
    check(d, "ContentSummary", &summary, &summary_none, &mut p);
    // The point categories (issue 11).
    let status = |full: bool| CategoryStatus {
        category: Category::HealthInsurance,
        state: CategoryState::NotYetAvailable,
        amount_yen: 7500,
        requirement: full.then_some(Requirement::HealthInsuranceRegistration),
    };
    check(d, "CategoryStatus", &status(true), &status(false), &mut p);
    let fixed = FixedService {
        service_id: "s".into(),
        service_name: "n".into(),
        fixed_by: ServiceFixedBy::FirstInstallment,
    };
    check(d, "FixedService", &fixed, &fixed, &mut p);
    let eligibility = |full: bool| Eligibility {
        categories: vec![status(full)],
        service: full.then(|| fixed.clone()),
        max_total_yen: MAX_TOTAL_YEN,
    };
    check(
        d,
        "Eligibility",
        &eligibility(true),
        &eligibility(false),
        &mut p,
    );
    let addition = |full: bool| CategoryAddition {
        service_id: "s".into(),
        categories: vec![Category::PublicFundAccount],
        representative_certificate: full.then(|| vec![1, 2]),
    };
    check(
        d,
        "CategoryAddition",
        &addition(true),
        &addition(false),
        &mut p,
    );
    let addition_request = |full: bool| CategoryAdditionRequest {
        addition: addition(full),
        signature: vec![1],
        representative_signature: full.then(|| vec![2]),
    };
    check(
        d,
        "CategoryAdditionRequest",
        &addition_request(true),
        &addition_request(false),
        &mut p,
    );
    let first = FirstInstallment {
        service_id: "s".into(),
        applied_on: "20211001".into(),
        earned_yen: 1200,
    };
    check(d, "FirstInstallment", &first, &first, &mut p);
    let person = |full: bool| PersonEligibility {
        issuer: "CN=ca".into(),
        subject_cn: "A".into(),
        facts: EligibilityFacts {
            first_installment: full.then(|| first.clone()),
            health_insurance_registered_on: full.then(|| "20260101".into()),
            public_fund_account_registered_on: full.then(|| "20260101".into()),
        },
    };
    check(
        d,
        "PersonEligibility",
        &person(true),
        &person(false),
        &mut p,
    );
    let to_sign = ContentToSign {
        digest: [0; 32],
        summary,
    };
    check(d, "ContentToSign", &to_sign, &to_sign, &mut p);
    check(
        d,
        "Application",
        &application(true),
        &application(false),
        &mut p,
    );
    let info = application(true).for_child.unwrap();
    check(d, "ChildInfo", &info, &info, &mut p);
    let body = |full: bool| ErrorBody {
        code: ErrorCode::FieldMissing,
        message: "m".into(),
        field: full.then(|| "f".into()),
    };
    check(d, "ErrorBody", &body(true), &body(false), &mut p);
    let error = ErrorResponse { error: body(true) };
    check(d, "Error", &error, &error, &mut p);

    let schemas = &d["components"]["schemas"];
    let kinds = [
        ServiceKind::Qr,
        ServiceKind::EMoney,
        ServiceKind::Credit,
        ServiceKind::Debit,
    ];
    check_enum(
        d,
        "ServiceSummary.kind",
        &schemas["ServiceSummary"]["properties"]["kind"],
        &kinds,
        &mut p,
    );
    check_enum(
        d,
        "Service.kind",
        &schemas["Service"]["properties"]["kind"],
        &kinds,
        &mut p,
    );
    let charsets = [Charset::Digits, Charset::AlnumUpper, Charset::Alnum];
    check_enum(d, "Charset", &schemas["Charset"], &charsets, &mut p);
    let statuses = [MyKeyIdStatus::Active, MyKeyIdStatus::Revoked];
    check_enum(
        d,
        "MyKeyId.status",
        &schemas["MyKeyId"]["properties"]["status"],
        &statuses,
        &mut p,
    );
    let modes = [IssueMode::Auto, IssueMode::Own];
    check_enum(
        d,
        "IssueMyKeyIdRequest.mode",
        &schemas["IssueMyKeyIdRequest"]["properties"]["mode"],
        &modes,
        &mut p,
    );
    check_enum(
        d,
        "ChangeMyKeyIdRequest.mode",
        &schemas["ChangeMyKeyIdRequest"]["properties"]["mode"],
        &modes,
        &mut p,
    );
    let application_statuses = [ApplicationStatus::Submitted, ApplicationStatus::Registered];
    check_enum(
        d,
        "Application.status",
        &schemas["Application"]["properties"]["status"],
        &application_statuses,
        &mut p,
    );
    field_types(d, &mut p);
    admin_types(d, &mut p);
    let schemas = &doc["components"]["schemas"];
    check_enum(
        d,
        "OfflineVerdict",
        &schemas["OfflineVerdict"],
        &[
            grant::OfflineVerdict::OnRoster,
            grant::OfflineVerdict::NotOnRoster,
            grant::OfflineVerdict::Duplicate,
            grant::OfflineVerdict::CertificateExpired,
        ],
        &mut p,
    );
    check_enum(
        d,
        "TapResult",
        &schemas["TapResult"],
        &[
            grant::TapResult::Granted,
            grant::TapResult::AlreadyGranted,
            grant::TapResult::NotOnRoster,
            grant::TapResult::NoMyKeyId,
            grant::TapResult::Refused,
        ],
        &mut p,
    );
    check_enum(
        d,
        "TapRefusal",
        &schemas["TapRefusal"],
        &[
            grant::TapRefusal::UnknownCard,
            grant::TapRefusal::CertificateExpired,
            grant::TapRefusal::CertificateRevoked,
            grant::TapRefusal::ProjectClosed,
            grant::TapRefusal::WrongMunicipality,
            grant::TapRefusal::UnknownProject,
        ],
        &mut p,
    );
    check_enum(
        d,
        "ParticipantSource",
        &schemas["ParticipantSource"],
        &[
            grant::ParticipantSource::Typed,
            grant::ParticipantSource::Master,
            grant::ParticipantSource::CardFace,
        ],
        &mut p,
    );
    check_enum(
        d,
        "ErrorCode",
        &schemas["ErrorCode"],
        ErrorCode::ALL,
        &mut p,
    );

    assert!(p.is_empty(), "{}", p.join("\n"));
}

fn municipality() -> grant::Municipality {
    grant::Municipality {
        code: "131016".into(),
        name: "千代田区".into(),
        point_name: "p".into(),
        expiry_days: 60,
    }
}

fn project() -> grant::GrantProject {
    grant::GrantProject {
        project_id: "0001".into(),
        point_id: "13101001".into(),
        name: "n".into(),
        department: "d".into(),
        points_per_grant: 100,
        remarks: String::new(),
        open: true,
    }
}

fn participant() -> grant::Participant {
    grant::Participant {
        my_key_id: "AB12CD34".into(),
        municipality_code: "131016".into(),
        name: "n".into(),
        birth_date: "1990-04-01".into(),
        address: "a".into(),
        sex: "2".into(),
        phone: String::new(),
        email: String::new(),
        remarks: String::new(),
    }
}

fn outcome(full: bool) -> grant::TapOutcome {
    grant::TapOutcome {
        tap_id: grant::TapId::new(),
        result: grant::TapResult::Refused,
        reason: full.then_some(grant::TapRefusal::ProjectClosed),
        my_key_id: full.then(|| "AB12CD34".into()),
        points: full.then_some(5),
    }
}

/// The field app's terminal-facing types.
fn field_types(d: &Yaml, p: &mut Vec<String>) {
    use grant::*;
    check(d, "Municipality", &municipality(), &municipality(), p);
    check(d, "GrantProject", &project(), &project(), p);
    let list = ProjectList {
        municipality: municipality(),
        projects: vec![project()],
    };
    check(d, "ProjectList", &list, &list, p);
    let login = TerminalLoginRequest {
        terminal_id: "00000001".into(),
        password: Secret::new("x"),
        device_public_key: vec![4; 65],
        device_fingerprint: "a".repeat(64),
    };
    check(d, "TerminalLoginRequest", &login, &login, p);
    let answer = TerminalLoginResponse {
        token: SessionToken::new("t"),
        expires_at: 1,
        terminal_id: "00000001".into(),
        device_registered: true,
        municipality: municipality(),
        projects: vec![project()],
    };
    check(d, "TerminalLoginResponse", &answer, &answer, p);
    let entry = RosterEntry {
        my_key_id: "AB12CD34".into(),
        person_digest: vec![1; 32],
        points: 1,
        removed: false,
    };
    check(d, "RosterEntry", &entry, &entry, p);
    let sync = RosterSync {
        project_id: "0001".into(),
        version: 1,
        full: true,
        salt: vec![2; 16],
        entries: vec![entry],
    };
    check(d, "RosterSync", &sync, &sync, p);
    let card = CardIdentity {
        serial: "0A".into(),
        issuer: "CN=ca".into(),
        subject_cn: "x".into(),
        not_before: 1,
        not_after: 2,
    };
    check(d, "CardIdentity", &card, &card, p);
    let tap = Tap {
        tap_id: TapId::new(),
        project_id: "0001".into(),
        tapped_at: 1,
        card,
        offline_verdict: OfflineVerdict::OnRoster,
    };
    check(d, "Tap", &tap, &tap, p);
    let batch = TapBatch {
        batch_id: "b".into(),
        taps: vec![tap],
    };
    check(d, "TapBatch", &batch, &batch, p);
    check(d, "TapOutcome", &outcome(true), &outcome(false), p);
    let upload = UploadResponse {
        batch_id: "b".into(),
        outcomes: vec![outcome(true)],
    };
    check(d, "UploadResponse", &upload, &upload, p);
    let waiting = |full: bool| NotOnRosterEntry {
        my_key_id: full.then(|| "AB12CD34".into()),
        tap_ids: vec![TapId::new()],
        first_tapped_at: 1,
    };
    check(d, "NotOnRosterEntry", &waiting(true), &waiting(false), p);
    let list = NotOnRosterList {
        project_id: "0001".into(),
        entries: vec![waiting(true)],
    };
    check(d, "NotOnRosterList", &list, &list, p);
    check(d, "Participant", &participant(), &participant(), p);
    let add = |full: bool| AddRegistrationRequest {
        my_key_id: "AB12CD34".into(),
        source: ParticipantSource::Typed,
        participant: full.then(participant),
    };
    check(d, "AddRegistrationRequest", &add(true), &add(false), p);
    let added = AddRegistrationResponse {
        project_id: "0001".into(),
        my_key_id: "AB12CD34".into(),
        roster_version: 2,
        outcomes: vec![outcome(true)],
    };
    check(d, "AddRegistrationResponse", &added, &added, p);
}

/// The administration types.
fn admin_types(d: &Yaml, p: &mut Vec<String>) {
    use grant::admin::*;
    let m = NewMunicipality {
        code: "131016".into(),
        name: "n".into(),
        point_name: "p".into(),
        expiry_days: 60,
    };
    check(d, "NewMunicipality", &m, &m, p);
    let np = NewProject {
        municipality_code: "131016".into(),
        project_id: "0001".into(),
        point_id: "13101001".into(),
        name: "n".into(),
        department: "d".into(),
        points_per_grant: 1,
        remarks: String::new(),
    };
    check(d, "NewProject", &np, &np, p);
    let open = ProjectOpen { open: false };
    check(d, "ProjectOpen", &open, &open, p);
    let nt = NewTerminal {
        terminal_id: "00000001".into(),
        municipality_code: "131016".into(),
        password: Secret::new("password"),
    };
    check(d, "NewTerminal", &nt, &nt, p);
    let info = |full: bool| TerminalInfo {
        terminal_id: "00000001".into(),
        municipality_code: "131016".into(),
        device_fingerprint: full.then(|| "a".repeat(64)),
        locked_until: full.then_some(5),
    };
    check(d, "TerminalInfo", &info(true), &info(false), p);
    let row = |full: bool| RosterRow {
        my_key_id: "AB12CD34".into(),
        points: full.then_some(3),
    };
    check(d, "RosterRow", &row(true), &row(false), p);
    let rows = RosterRows {
        rows: vec![row(true)],
    };
    check(d, "RosterRows", &rows, &rows, p);
    let written = RosterWrite {
        project_id: "0001".into(),
        roster_version: 1,
        granted_taps: 0,
    };
    check(d, "RosterWrite", &written, &written, p);
    let rows = ParticipantRows {
        rows: vec![participant()],
    };
    check(d, "ParticipantRows", &rows, &rows, p);
    let pw = ParticipantWrite { written: 1 };
    check(d, "ParticipantWrite", &pw, &pw, p);
    let record = |full: bool| GrantRecord {
        municipality_code: "131016".into(),
        project_id: "0001".into(),
        point_id: "13101001".into(),
        points: 1,
        granted_at: 1,
        expires_at: 2,
        tap_id: full.then(|| grant::TapId::new().as_str().to_owned()),
    };
    check(d, "GrantRecord", &record(true), &record(false), p);
    let balance = |full: bool| Balance {
        municipality_code: "131016".into(),
        point_name: "p".into(),
        points: 1,
        next_expiry: full.then_some(2),
    };
    check(d, "Balance", &balance(true), &balance(false), p);
    let history = GrantHistory {
        my_key_id: "AB12CD34".into(),
        grants: vec![record(true)],
        balances: vec![balance(true)],
    };
    check(d, "GrantHistory", &history, &history, p);
    let mail = |full: bool| OutboxMail {
        id: 1,
        to: "a@b.jp".into(),
        subject: "s".into(),
        body: "b".into(),
        created_at: 1,
        sent_at: full.then_some(2),
    };
    check(d, "OutboxMail", &mail(true), &mail(false), p);
    let outbox = Outbox {
        mails: vec![mail(true)],
    };
    check(d, "Outbox", &outbox, &outbox, p);
    let drained = MailDrain { sent: 1 };
    check(d, "MailDrain", &drained, &drained, p);
}

/// The checks above can fail: a type with a key the schema lacks, and one
/// missing a key the schema requires, are both reported.
#[test]
fn a_type_and_a_schema_that_disagree_are_reported() {
    #[derive(Serialize, serde::Deserialize)]
    struct Extra {
        status: String,
        extra: u8,
    }
    #[derive(Serialize, serde::Deserialize)]
    struct Missing {}
    let doc = doc();
    let mut problems = Vec::new();
    let extra = Extra {
        status: "ok".into(),
        extra: 1,
    };
    check(&doc, "Health", &extra, &extra, &mut problems);
    assert_eq!(problems.len(), 2, "{problems:?}");
    problems.clear();
    check(&doc, "Health", &Missing {}, &Missing {}, &mut problems);
    assert_eq!(problems.len(), 2, "{problems:?}");
}

/// The schema's pattern of a property (`$ref`s followed).
fn pattern(doc: &Yaml, schema: &str, property: Option<&str>) -> regex::Regex {
    let mut node = resolve(doc, &doc["components"]["schemas"][schema]);
    if let Some(p) = property {
        node = resolve(doc, &node["properties"][p]);
    }
    regex::Regex::new(node["pattern"].as_str().expect("a pattern")).unwrap()
}

/// The patterns of `openapi.yaml` state the contract's rules as far as a
/// pattern can: whatever a rule accepts the pattern accepts, and what the
/// pattern refuses the rule refuses too. (Check digits, real dates and ages
/// are left to the rule.)
#[test]
fn schema_patterns_agree_with_the_contract_rules() {
    let doc = doc();
    let agree = |re: &regex::Regex, text: &str, ok: bool| {
        assert_eq!(re.is_match(text), ok, "{} on {text:?}", re.as_str());
    };
    let id = pattern(&doc, "MyKeyIdValue", None);
    for text in [
        "AB12CD34",
        "ab12cd34",
        "AB12CD3",
        "AB12CD345",
        "ＡB12CD34",
        "AB12-D34",
        "",
    ] {
        agree(&id, text, check_my_key_id(text).is_ok());
    }
    let password = pattern(&doc, "IssueMyKeyIdRequest", Some("password"));
    for text in [
        "abc123",
        "A1b2C3d4E5f6G7h8",
        "abc12",
        "A1b2C3d4E5f6G7h8X",
        "abc 123",
        "abc12!",
    ] {
        agree(&password, text, check_password(text).is_ok());
    }
    let email = pattern(&doc, "IssueMyKeyIdRequest", Some("email"));
    for text in [
        "a@b.c",
        "a..b+c@x-y.co.jp",
        "!#$%&'*+/=?^_`{|}~-@example.jp",
        "hanako",
        "hanako@jp",
        "@b.c",
        "a@",
        "a@.b",
        "a@b.",
        "a@b..c",
        "a@b@c.d",
        "a b@c.d",
        "a\tb@c.d",
        "ｈａｎａｋｏ@c.d",
        "hanakö@c.d",
    ] {
        agree(&email, text, check_email(text).is_ok());
    }
    // Every 6-digit code: a valid one matches (a match may still have a
    // wrong check digit); the pattern refuses the prefectures 00 and 48-99.
    let municipality = pattern(&doc, "MunicipalityCode", None);
    let mut refused = 0;
    for n in 0..1_000_000u32 {
        let code = format!("{n:06}");
        let matches = municipality.is_match(&code);
        let valid = check_municipality(&code).is_ok();
        assert!(
            matches || !valid,
            "{code}: valid, but the pattern refuses it"
        );
        refused += u32::from(!matches);
    }
    assert_eq!(refused, 1_000_000 - 47 * 10_000);
    let phone = pattern(&doc, "ApplicationContent", Some("phone_last4"));
    for text in ["0123", "012", "01234", "０１２３", "12a4"] {
        agree(&phone, text, check_phone_last4(text).is_ok());
    }
    // Birth dates: every real date from 1900 to 2099 matches.
    let birth = pattern(&doc, "ForChild", Some("birth_date"));
    let mut day = date::CivilDate::new(1900, 1, 1).unwrap();
    while day.year < 2100 {
        assert!(birth.is_match(&day.to_yyyymmdd()), "{day:?}");
        day = date::CivilDate::from_days_since_epoch(day.days_since_epoch() + 1);
    }
    for text in ["18991231", "20151301", "20150132", "2015011", "20150100"] {
        assert!(!birth.is_match(text), "{text}");
    }
}
