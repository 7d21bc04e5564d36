//! An in-memory platform implementing the contract's rules the resident
//! flow relies on: single-use challenges, signatures checked with the
//! certificate's key, sessions bound to the certificate, candidates (3, the
//! 3rd final), own-choice checks (3 taken -> fallback), one My Key ID and one
//! application per person, digests that include the session id, and
//! Idempotency-Key replay; a legal representative's application for a child
//! under 15 (the `child:` digest line, the age by the fake's date, the
//! representative's certificate and signature) and one person per payment
//! account. Faults can be planned per endpoint: the request
//! lost before processing, or the answer lost after it.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Mutex;

use async_trait::async_trait;
use mynapoint_contract::{
    certificate_serial_text, check_child_birth_date, check_my_key_id, check_password,
    check_phone_last4, date, mask_payment_id, FieldProblem, Secret,
};
use mynapoint_core::card::CertificateInfo;
use mynapoint_core::platform::*;
use mynapoint_core::resident::CivilDate;
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    Challenge,
    Login,
    GetMyKeyId,
    Candidate,
    Check,
    Issue,
    Change,
    Revoke,
    Search,
    Service,
    ContentToSign,
    Submit,
    Mine,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The request never arrives.
    LostBefore,
    /// Processed; the answer never arrives.
    LostAfter,
}

struct Session {
    id: String,
    person: String,
    cert: CertificateInfo,
    candidates: Vec<String>,
    taken_checks: u8,
    available: HashSet<String>,
    chosen_here: bool,
}

#[derive(Clone)]
struct Person {
    record: Option<MyKeyIdRecord>,
    application: Option<Application>,
}

#[derive(Default)]
struct State {
    counter: u64,
    challenges: HashMap<String, (Vec<u8>, bool)>,
    sessions: HashMap<String, Session>,
    persons: BTreeMap<String, Person>,
    taken: HashSet<String>,
    scripted_candidates: VecDeque<String>,
    issue_replies: HashMap<String, (String, Result<MyKeyIdRecord, PlatformError>)>,
    change_replies: HashMap<String, (String, MyKeyIdRecord)>,
    submit_replies: HashMap<String, (String, Result<Application, PlatformError>)>,
    faults: HashMap<Endpoint, VecDeque<Fault>>,
    calls: Vec<Endpoint>,
    keys: Vec<(Endpoint, String)>,
    services: Vec<Service>,
    /// The platform's date (unset: today in Japan).
    today: Option<CivilDate>,
    /// Revoked certificate serials (upper hex).
    revoked: HashSet<String>,
    /// (service_id, payment_id) -> the person whose application uses it.
    accounts: HashMap<(String, String), String>,
}

pub struct FakePlatform {
    state: Mutex<State>,
}

fn err(status: u16, code: &str, field: Option<&str>) -> PlatformError {
    PlatformError::Http {
        status,
        code: ErrorCode::from_code(code),
        message: format!("fake: {code}"),
        field: field.map(str::to_owned),
    }
}

fn lost() -> PlatformError {
    PlatformError::Network("fake: connection reset".into())
}

fn rule(label: &str, min: u32, max: u32, charset: Charset) -> PaymentIdRule {
    PaymentIdRule {
        label: label.into(),
        min_len: min,
        max_len: max,
        charset,
    }
}

fn code(label: &str, len: u32, charset: Charset) -> SecurityCodeRule {
    SecurityCodeRule {
        label: label.into(),
        len,
        charset,
    }
}

/// A small catalogue: digits, upper-case alphanumerics, two codes.
pub fn catalogue() -> Vec<Service> {
    let service = |id: &str, name: &str, kana: &str, latin: &str, kind, pid, codes| Service {
        service_id: id.into(),
        name: name.into(),
        name_kana: kana.into(),
        name_latin: latin.into(),
        kind,
        terms: format!("{name} の利用規約"),
        terms_version: "2023-06-01".into(),
        payment_id: pid,
        security_codes: codes,
    };
    vec![
        service(
            "aeon-waon",
            "イオンカード（WAON一体型）",
            "イオンカード",
            "AEON Card / WAON",
            ServiceKind::Credit,
            rule("カード番号", 16, 16, Charset::Digits),
            vec![code("セキュリティコード", 4, Charset::Digits)],
        ),
        service(
            "qr-pay",
            "キューアールペイ",
            "キューアールペイ",
            "QR Pay",
            ServiceKind::Qr,
            rule("ユーザーID", 10, 12, Charset::AlnumUpper),
            vec![code("認証コード", 6, Charset::AlnumUpper)],
        ),
        service(
            "sakura-credit",
            "さくらクレジット",
            "サクラクレジット",
            "Sakura Credit",
            ServiceKind::Credit,
            rule("会員番号", 16, 16, Charset::Digits),
            vec![
                code("セキュリティコード", 3, Charset::Digits),
                code("確認コード", 4, Charset::Digits),
            ],
        ),
    ]
}

/// The contract's canonical content digest (with the `child:` line when
/// `child` is the representative's certificate).
fn digest_with(
    session_id: &str,
    c: &ApplicationContent,
    child: Option<&CertificateInfo>,
) -> [u8; 32] {
    let serial = child.map(|rep| certificate_serial_text(rep.serial.as_bytes()));
    c.digest(session_id, serial.as_deref())
}

/// The checks of `for_child`: a real birth date, under 15 on the fake's
/// date, a usable representative certificate of another person.
fn check_child(
    st: &State,
    own: &CertificateInfo,
    c: &ApplicationContent,
) -> Result<Option<CertificateInfo>, PlatformError> {
    let Some(f) = &c.for_child else {
        return Ok(None);
    };
    let date_field = Some("for_child.birth_date");
    let today = st.today.unwrap_or_else(CivilDate::today_in_japan);
    let today = date::CivilDate::new(today.year, today.month, today.day).expect("a real date");
    check_child_birth_date(&f.birth_date, today).map_err(|problem| match problem {
        FieldProblem::NotUnder15 => err(400, "child_not_under_15", date_field),
        _ => err(400, "child_birth_date_format", date_field),
    })?;
    let cert_field = Some("for_child.representative_certificate");
    let rep = CertificateInfo::parse(&f.representative_certificate)
        .map_err(|_| err(400, "representative_certificate_untrusted", cert_field))?;
    if rep.not_after < std::time::SystemTime::now() {
        return Err(err(400, "representative_certificate_expired", cert_field));
    }
    if st.revoked.contains(&rep.serial.to_hex()) {
        return Err(err(400, "representative_certificate_revoked", cert_field));
    }
    if rep.issuer == own.issuer && rep.subject == own.subject {
        return Err(err(400, "representative_is_applicant", cert_field));
    }
    Ok(Some(rep))
}

fn signature_ok(cert: &CertificateInfo, digest: &[u8; 32], signature: &[u8]) -> bool {
    RsaPublicKey::from_public_key_der(&cert.public_key_der)
        .map(|key| {
            key.verify(Pkcs1v15Sign::new::<Sha256>(), digest, signature)
                .is_ok()
        })
        .unwrap_or(false)
}

impl Default for FakePlatform {
    fn default() -> Self {
        Self::new()
    }
}

impl FakePlatform {
    pub fn new() -> Self {
        let state = State {
            services: catalogue(),
            ..State::default()
        };
        Self {
            state: Mutex::new(state),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    // ---- test controls and observations ---------------------------------

    /// Plans a fault for the next call of `endpoint`.
    pub fn fail(&self, endpoint: Endpoint, fault: Fault) {
        self.lock()
            .faults
            .entry(endpoint)
            .or_default()
            .push_back(fault);
    }

    /// Fixes the platform's date (for the child's age).
    pub fn set_today(&self, date: CivilDate) {
        self.lock().today = Some(date);
    }

    /// Puts a certificate serial (upper hex) on the revocation list.
    pub fn revoke_serial(&self, serial: &str) {
        self.lock().revoked.insert(serial.to_owned());
    }

    /// Marks My Key IDs as already registered by someone else.
    pub fn take(&self, ids: &[&str]) {
        self.lock().taken.extend(ids.iter().map(|s| s.to_string()));
    }

    /// The next auto-generated candidates, in order.
    pub fn script_candidates(&self, ids: &[&str]) {
        self.lock()
            .scripted_candidates
            .extend(ids.iter().map(|s| s.to_string()));
    }

    pub fn calls(&self) -> Vec<Endpoint> {
        self.lock().calls.clone()
    }

    pub fn count(&self, endpoint: Endpoint) -> usize {
        self.lock().calls.iter().filter(|e| **e == endpoint).count()
    }

    /// The Idempotency-Keys received for `endpoint`, in order.
    pub fn keys(&self, endpoint: Endpoint) -> Vec<String> {
        self.lock()
            .keys
            .iter()
            .filter(|(e, _)| *e == endpoint)
            .map(|(_, k)| k.clone())
            .collect()
    }

    /// Every application, with its person's My Key ID.
    pub fn applications(&self) -> Vec<(Option<String>, Application)> {
        self.lock()
            .persons
            .values()
            .filter_map(|p| {
                p.application
                    .clone()
                    .map(|a| (p.record.as_ref().map(|r| r.my_key_id.clone()), a))
            })
            .collect()
    }

    pub fn records(&self) -> Vec<MyKeyIdRecord> {
        self.lock()
            .persons
            .values()
            .filter_map(|p| p.record.clone())
            .collect()
    }

    // ---- plumbing -------------------------------------------------------

    /// Records the call; a planned loss before processing fails it here.
    fn enter(&self, endpoint: Endpoint) -> Result<Option<Fault>, PlatformError> {
        let mut st = self.lock();
        st.calls.push(endpoint);
        let fault = st.faults.get_mut(&endpoint).and_then(VecDeque::pop_front);
        match fault {
            Some(Fault::LostBefore) => Err(lost()),
            other => Ok(other),
        }
    }

    fn leave<T>(
        fault: Option<Fault>,
        result: Result<T, PlatformError>,
    ) -> Result<T, PlatformError> {
        match fault {
            Some(Fault::LostAfter) => Err(lost()),
            _ => result,
        }
    }

    fn with_session<T>(
        &self,
        token: &SessionToken,
        f: impl FnOnce(&mut State, &str) -> Result<T, PlatformError>,
    ) -> Result<T, PlatformError> {
        let mut st = self.lock();
        if !st.sessions.contains_key(token.expose()) {
            return Err(err(401, "session_invalid", None));
        }
        f(&mut st, token.expose())
    }
}

fn session<'a>(st: &'a mut State, token: &str) -> &'a mut Session {
    st.sessions.get_mut(token).expect("checked by with_session")
}

fn person<'a>(st: &'a mut State, token: &str) -> &'a mut Person {
    let key = session(st, token).person.clone();
    st.persons.get_mut(&key).expect("made at login")
}

fn next_id(st: &mut State, prefix: &str) -> String {
    st.counter += 1;
    format!("{prefix}-{}", st.counter)
}

fn registered(st: &State, id: &str) -> bool {
    st.taken.contains(id)
        || st
            .persons
            .values()
            .any(|p| p.record.as_ref().is_some_and(|r| r.my_key_id == id))
}

fn generate(st: &mut State) -> String {
    while let Some(id) = st.scripted_candidates.pop_front() {
        if !registered(st, &id) {
            return id;
        }
    }
    loop {
        st.counter += 1;
        let id = format!("AUTO{:04}", st.counter % 10_000);
        if !registered(st, &id) {
            return id;
        }
    }
}

fn validate_content(st: &State, c: &ApplicationContent) -> Result<Service, PlatformError> {
    let service = st
        .services
        .iter()
        .find(|s| s.service_id == c.service_id)
        .cloned()
        .ok_or_else(|| err(400, "service_unknown", Some("service_id")))?;
    if service.terms_version != c.terms_version {
        return Err(err(400, "terms_version_mismatch", Some("terms_version")));
    }
    if service.check_payment_id(c.payment_id.expose()).is_err() {
        return Err(err(400, "payment_id_format", Some("payment_id")));
    }
    if let Err(p) = service.check_security_codes(
        &c.security_codes
            .iter()
            .map(Secret::expose)
            .collect::<Vec<_>>(),
    ) {
        let field = match p.problem {
            FieldProblem::WrongCount { .. } => "security_codes".to_owned(),
            _ => format!("security_codes[{}]", p.index),
        };
        return Err(err(400, "security_code_format", Some(&field)));
    }
    if let Some(p) = c.phone_last4() {
        if check_phone_last4(p).is_err() {
            return Err(err(400, "phone_last4_format", Some("phone_last4")));
        }
    }
    Ok(service)
}

#[async_trait]
impl PlatformApi for FakePlatform {
    async fn health(&self) -> Result<(), PlatformError> {
        Ok(())
    }

    async fn create_challenge(&self) -> Result<Challenge, PlatformError> {
        let fault = self.enter(Endpoint::Challenge)?;
        let mut st = self.lock();
        let id = next_id(&mut st, "challenge");
        let bytes = Sha256::digest(id.as_bytes()).to_vec();
        st.challenges.insert(id.clone(), (bytes.clone(), false));
        Self::leave(
            fault,
            Ok(Challenge {
                challenge_id: id,
                challenge: bytes,
                expires_at: 4_000_000_000,
            }),
        )
    }

    async fn login(&self, request: &LoginRequest) -> Result<LoginResponse, PlatformError> {
        let fault = self.enter(Endpoint::Login)?;
        let mut st = self.lock();
        let result = (|| {
            let (challenge, used) = st
                .challenges
                .get_mut(&request.challenge_id)
                .ok_or_else(|| err(400, "challenge_unknown", None))?;
            if *used {
                return Err(err(400, "challenge_used", None));
            }
            *used = true;
            let hashed: [u8; 32] = Sha256::digest(&challenge[..]).into();
            let cert = CertificateInfo::parse(&request.certificate)
                .map_err(|_| err(401, "certificate_untrusted", None))?;
            if !signature_ok(&cert, &hashed, &request.signature) {
                return Err(err(401, "signature_invalid", None));
            }
            let person_key = format!("{}|{}", cert.issuer, cert.subject);
            let serial = cert.serial.to_hex();
            let person = st.persons.entry(person_key.clone()).or_insert(Person {
                record: None,
                application: None,
            });
            let mut card_reissued = false;
            if let Some(record) = &mut person.record {
                if record.certificate_serial != serial {
                    record.certificate_serial = serial.clone();
                    card_reissued = true;
                }
            }
            let my_key_id = person.record.as_ref().map(|r| r.my_key_id.clone());
            let token = next_id(&mut st, "token");
            let id = next_id(&mut st, "session");
            st.sessions.insert(
                token.clone(),
                Session {
                    id,
                    person: person_key,
                    cert,
                    candidates: Vec::new(),
                    taken_checks: 0,
                    chosen_here: false,
                    available: HashSet::new(),
                },
            );
            Ok(LoginResponse {
                session_token: SessionToken::new(token),
                expires_at: 4_000_000_000,
                certificate_serial: serial,
                my_key_id,
                card_reissued,
            })
        })();
        Self::leave(fault, result)
    }

    async fn my_key_id(&self, token: &SessionToken) -> Result<MyKeyIdRecord, PlatformError> {
        let fault = self.enter(Endpoint::GetMyKeyId)?;
        let result = self.with_session(token, |st, t| {
            person(st, t)
                .record
                .clone()
                .ok_or_else(|| err(404, "my_key_id_not_issued", None))
        });
        Self::leave(fault, result)
    }

    async fn my_key_id_candidate(&self, token: &SessionToken) -> Result<Candidate, PlatformError> {
        let fault = self.enter(Endpoint::Candidate)?;
        let result = self.with_session(token, |st, t| {
            if session(st, t).candidates.len() >= 3 {
                return Err(err(409, "no_more_candidates", None));
            }
            let id = generate(st);
            let s = session(st, t);
            s.candidates.push(id.clone());
            let attempt = s.candidates.len() as u8;
            Ok(Candidate {
                candidate: id,
                attempt,
                is_final: attempt == 3,
            })
        });
        Self::leave(fault, result)
    }

    async fn check_my_key_id(
        &self,
        token: &SessionToken,
        my_key_id: &str,
    ) -> Result<CheckResult, PlatformError> {
        let fault = self.enter(Endpoint::Check)?;
        let result = self.with_session(token, |st, t| {
            if check_my_key_id(my_key_id).is_err() {
                return Err(err(400, "my_key_id_format", Some("my_key_id")));
            }
            if session(st, t).taken_checks >= 3 {
                return Err(err(409, "own_choice_exhausted", None));
            }
            let taken = registered(st, my_key_id);
            let s = session(st, t);
            if taken {
                s.taken_checks += 1;
            } else {
                s.available.insert(my_key_id.to_owned());
            }
            Ok(CheckResult {
                available: !taken,
                checks_used: s.taken_checks.max(1),
                fallback_to_auto: s.taken_checks >= 3,
            })
        });
        Self::leave(fault, result)
    }

    async fn issue_my_key_id(
        &self,
        token: &SessionToken,
        request: &IssueRequest,
        key: &IdempotencyKey,
    ) -> Result<MyKeyIdRecord, PlatformError> {
        let fault = self.enter(Endpoint::Issue)?;
        let body = serde_json::to_string(request).unwrap();
        let result = self.with_session(token, |st, t| {
            st.keys.push((Endpoint::Issue, key.as_str().to_owned()));
            if let Some((stored_body, reply)) = st.issue_replies.get(key.as_str()) {
                if *stored_body != body {
                    return Err(err(422, "idempotency_key_reused", None));
                }
                return reply.clone();
            }
            let reply = (|| {
                let s = session(st, t);
                let allowed = match request.mode {
                    IssueMode::Auto => s.candidates.contains(&request.my_key_id),
                    IssueMode::Own => s.available.contains(&request.my_key_id),
                };
                if !allowed {
                    return Err(err(400, "my_key_id_format", Some("my_key_id")));
                }
                let pw = request.password.expose();
                if check_password(pw).is_err() {
                    return Err(err(400, "password_format", Some("password")));
                }
                if request.email.as_deref().is_some_and(|e| !e.contains('@')) {
                    return Err(err(400, "email_format", Some("email")));
                }
                if person(st, t).record.is_some() {
                    return Err(err(409, "my_key_id_already_issued", None));
                }
                if registered(st, &request.my_key_id) {
                    return Err(err(409, "my_key_id_taken", Some("my_key_id")));
                }
                let s = session(st, t);
                let record = MyKeyIdRecord {
                    my_key_id: request.my_key_id.clone(),
                    certificate_serial: s.cert.serial.to_hex(),
                    certificate_expires_at: s.cert.not_after_unix(),
                    email: request.email.clone(),
                    notifications: request.notifications,
                    base_municipality: request.base_municipality.clone(),
                    status: MyKeyIdStatus::Active,
                    changed_at: None,
                };
                person(st, t).record = Some(record.clone());
                Ok(record)
            })();
            st.issue_replies
                .insert(key.as_str().to_owned(), (body.clone(), reply.clone()));
            reply
        });
        Self::leave(fault, result)
    }

    async fn change_my_key_id(
        &self,
        token: &SessionToken,
        request: &ChangeRequest,
        key: &IdempotencyKey,
    ) -> Result<MyKeyIdRecord, PlatformError> {
        let fault = self.enter(Endpoint::Change)?;
        let body = serde_json::to_string(request).unwrap();
        let result = self.with_session(token, |st, t| {
            st.keys.push((Endpoint::Change, key.as_str().to_owned()));
            if let Some((stored_body, reply)) = st.change_replies.get(key.as_str()) {
                if *stored_body != body {
                    return Err(err(422, "idempotency_key_reused", None));
                }
                return Ok(reply.clone());
            }
            let Some(current) = person(st, t).record.clone() else {
                return Err(err(404, "my_key_id_not_issued", None));
            };
            if current.status != MyKeyIdStatus::Active {
                return Err(err(409, "my_key_id_revoked", None));
            }
            if session(st, t).chosen_here {
                return Err(err(409, "fresh_login_required", None));
            }
            if current.my_key_id == request.my_key_id {
                return Err(err(400, "my_key_id_unchanged", Some("my_key_id")));
            }
            let s = session(st, t);
            let allowed = match request.mode {
                IssueMode::Auto => s.candidates.contains(&request.my_key_id),
                IssueMode::Own => s.available.contains(&request.my_key_id),
            };
            if !allowed {
                return Err(err(400, "my_key_id_not_checked", Some("my_key_id")));
            }
            if registered(st, &request.my_key_id) {
                return Err(err(409, "my_key_id_taken", Some("my_key_id")));
            }
            st.taken.insert(current.my_key_id.clone()); // retired for good
            session(st, t).chosen_here = true;
            let record = MyKeyIdRecord {
                my_key_id: request.my_key_id.clone(),
                changed_at: Some(1),
                ..current
            };
            person(st, t).record = Some(record.clone());
            st.change_replies
                .insert(key.as_str().to_owned(), (body.clone(), record.clone()));
            Ok(record)
        });
        Self::leave(fault, result)
    }

    async fn revoke_my_key_id(
        &self,
        token: &SessionToken,
        _key: &IdempotencyKey,
    ) -> Result<RevokeResult, PlatformError> {
        let fault = self.enter(Endpoint::Revoke)?;
        let result = self.with_session(token, |st, t| {
            let record = person(st, t)
                .record
                .as_mut()
                .ok_or_else(|| err(404, "my_key_id_not_issued", None))?;
            record.status = MyKeyIdStatus::Revoked;
            Ok(RevokeResult {
                status: MyKeyIdStatus::Revoked,
            })
        });
        Self::leave(fault, result)
    }

    async fn search_services(
        &self,
        _token: Option<&SessionToken>,
        keyword: &str,
    ) -> Result<Vec<ServiceSummary>, PlatformError> {
        let fault = self.enter(Endpoint::Search)?;
        let q = keyword.to_lowercase();
        let found = self
            .lock()
            .services
            .iter()
            .filter(|s| {
                s.name.contains(keyword)
                    || s.name_kana.contains(keyword)
                    || s.name_latin.to_lowercase().contains(&q)
            })
            .map(Service::summary)
            .collect();
        Self::leave(fault, Ok(found))
    }

    async fn service(
        &self,
        _token: Option<&SessionToken>,
        service_id: &str,
    ) -> Result<Service, PlatformError> {
        let fault = self.enter(Endpoint::Service)?;
        let found = self
            .lock()
            .services
            .iter()
            .find(|s| s.service_id == service_id)
            .cloned()
            .ok_or_else(|| err(404, "service_unknown", None));
        Self::leave(fault, found)
    }

    async fn content_to_sign(
        &self,
        token: &SessionToken,
        content: &ApplicationContent,
    ) -> Result<ContentToSign, PlatformError> {
        let fault = self.enter(Endpoint::ContentToSign)?;
        let result = self.with_session(token, |st, t| {
            let service = validate_content(st, content)?;
            let own = session(st, t).cert.clone();
            let rep = check_child(st, &own, content)?;
            Ok(ContentToSign {
                digest: digest_with(&session(st, t).id, content, rep.as_ref()),
                summary: ContentSummary {
                    service_name: service.name,
                    payment_id_masked: mask_payment_id(content.payment_id.expose()),
                },
            })
        });
        Self::leave(fault, result)
    }

    async fn submit_application(
        &self,
        token: &SessionToken,
        request: &ApplicationRequest,
        key: &IdempotencyKey,
    ) -> Result<Application, PlatformError> {
        let fault = self.enter(Endpoint::Submit)?;
        let body = serde_json::to_string(request).unwrap();
        let result = self.with_session(token, |st, t| {
            st.keys.push((Endpoint::Submit, key.as_str().to_owned()));
            if let Some((stored_body, reply)) = st.submit_replies.get(key.as_str()) {
                if *stored_body != body {
                    return Err(err(422, "idempotency_key_reused", None));
                }
                return reply.clone();
            }
            let reply = (|| {
                let service = validate_content(st, &request.content)?;
                let own = session(st, t).cert.clone();
                let rep = check_child(st, &own, &request.content)?;
                let s = session(st, t);
                let d = digest_with(&s.id, &request.content, rep.as_ref());
                if !signature_ok(&s.cert, &d, &request.signature) {
                    return Err(err(401, "signature_invalid", None));
                }
                if let Some(rep) = &rep {
                    let ok = request
                        .representative_signature
                        .as_ref()
                        .is_some_and(|sig| signature_ok(rep, &d, sig));
                    if !ok {
                        return Err(err(401, "representative_signature_invalid", None));
                    }
                }
                let person_key = s.person.clone();
                let account = (
                    request.content.service_id.clone(),
                    request.content.payment_id.expose().to_owned(),
                );
                let p = person(st, t);
                if p.record.is_none() {
                    return Err(err(403, "my_key_id_required", None));
                }
                if p.application.is_some() {
                    return Err(err(409, "already_applied", None));
                }
                if st
                    .accounts
                    .get(&account)
                    .is_some_and(|owner| *owner != person_key)
                {
                    return Err(err(409, "payment_account_in_use", Some("payment_id")));
                }
                let for_child =
                    request
                        .content
                        .for_child
                        .as_ref()
                        .zip(rep.as_ref())
                        .map(|(f, rep)| ChildInfo {
                            birth_date: f.birth_date.clone(),
                            representative_serial: certificate_serial_text(rep.serial.as_bytes()),
                        });
                let application_id = next_id(st, "app");
                let app = Application {
                    application_id,
                    status: ApplicationStatus::Submitted,
                    service_id: service.service_id,
                    service_name: service.name,
                    payment_id_masked: mask_payment_id(request.content.payment_id.expose()),
                    submitted_at: 1_700_000_000,
                    for_child,
                };
                st.accounts.insert(account, person_key);
                person(st, t).application = Some(app.clone());
                Ok(app)
            })();
            st.submit_replies
                .insert(key.as_str().to_owned(), (body.clone(), reply.clone()));
            reply
        });
        Self::leave(fault, result)
    }

    async fn my_application(&self, token: &SessionToken) -> Result<Application, PlatformError> {
        let fault = self.enter(Endpoint::Mine)?;
        let result = self.with_session(token, |st, t| {
            person(st, t)
                .application
                .clone()
                .ok_or_else(|| err(404, "not_applied", None))
        });
        Self::leave(fault, result)
    }
}
