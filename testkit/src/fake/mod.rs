//! An in-memory platform implementing the contract's rules the resident
//! flow relies on: single-use challenges, signatures checked with the
//! certificate's key, sessions bound to the certificate, candidates (3, the
//! 3rd final), own-choice checks (3 taken -> fallback), one My Key ID and one
//! application per person, digests that include the session id, and
//! Idempotency-Key replay; a legal representative's application for a child
//! under 15 (the `child:` digest line, the age by the fake's date, the
//! representative's certificate and signature) and one person per payment
//! account; the reference catalogue. Faults can be planned per endpoint: the
//! request lost before processing, or the answer lost after it.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Mutex;

use mynapoint_contract::{
    certificate_serial_text, check_child_birth_date, check_phone_last4, date, FieldProblem, Secret,
};
use mynapoint_core::card::CertificateInfo;
use mynapoint_core::platform::*;
use mynapoint_core::resident::CivilDate;

pub(crate) use crate::cards::signature_verifies as signature_ok;

mod api;
pub mod field;

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
    Eligibility,
    CategoriesContentToSign,
    AddCategories,
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

/// The fake's eligibility rule: the contract's, over no facts (category (1)
/// open to everyone; the real platform's facts are tested against it).
fn eligibility_of(p: &Person, today: CivilDate) -> Eligibility {
    let applied: Vec<Category> = p
        .application
        .iter()
        .flat_map(|a| a.categories.iter().map(|c| c.category))
        .collect();
    Eligibility {
        categories: mynapoint_contract::category_statuses(&Default::default(), &applied, today),
        service: p.application.as_ref().map(|a| FixedService {
            service_id: a.service_id.clone(),
            service_name: a.service_name.clone(),
            fixed_by: ServiceFixedBy::Application,
        }),
        max_total_yen: mynapoint_contract::MAX_TOTAL_YEN,
    }
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

/// The reference catalogue (`platform/seed/payment-services.json`): the
/// double offers the services the real platform offers, with their rules.
pub fn catalogue() -> Vec<Service> {
    #[derive(serde::Deserialize)]
    struct Seed {
        services: Vec<Service>,
    }
    let seed: Seed =
        serde_json::from_str(include_str!("../../../platform/seed/payment-services.json"))
            .expect("the reference catalogue");
    seed.services
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
