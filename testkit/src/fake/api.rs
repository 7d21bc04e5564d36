//! The double's answers to each call of the platform API.

use std::collections::HashSet;

use async_trait::async_trait;
use mynapoint_contract::{
    certificate_serial_text, check_my_key_id, check_password, mask_payment_id,
};
use mynapoint_core::card::CertificateInfo;
use mynapoint_core::platform::*;
use sha2::{Digest, Sha256};

use super::*;

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
                    payment_id_masked: Some(mask_payment_id(content.payment_id.expose())),
                    categories: content.categories.clone(),
                    total_yen: content.categories.iter().map(|c| c.max_yen()).sum(),
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
                    payment_id_masked: Some(mask_payment_id(request.content.payment_id.expose())),
                    submitted_at: 1_700_000_000,
                    for_child,
                    categories: request
                        .content
                        .categories
                        .iter()
                        .map(|&category| AppliedCategory {
                            category,
                            amount_yen: category.max_yen(),
                            status: ApplicationStatus::Submitted,
                            applied_at: 1_700_000_000,
                        })
                        .collect(),
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

    async fn eligibility(&self, token: &SessionToken) -> Result<Eligibility, PlatformError> {
        let fault = self.enter(Endpoint::Eligibility)?;
        let result = self.with_session(token, |st, t| {
            let today = st.today.unwrap_or_else(CivilDate::today_in_japan);
            Ok(eligibility_of(person(st, t), today))
        });
        Self::leave(fault, result)
    }

    async fn categories_content_to_sign(
        &self,
        token: &SessionToken,
        addition: &CategoryAddition,
    ) -> Result<ContentToSign, PlatformError> {
        let fault = self.enter(Endpoint::CategoriesContentToSign)?;
        let result = self.with_session(token, |st, t| {
            let application = check_addition(st, t, addition)?;
            Ok(ContentToSign {
                digest: addition.digest(&session(st, t).id, None),
                summary: ContentSummary {
                    service_name: application.service_name,
                    payment_id_masked: application.payment_id_masked,
                    categories: addition.categories.clone(),
                    total_yen: addition.categories.iter().map(|c| c.max_yen()).sum(),
                },
            })
        });
        Self::leave(fault, result)
    }

    async fn add_categories(
        &self,
        token: &SessionToken,
        request: &CategoryAdditionRequest,
        _key: &IdempotencyKey,
    ) -> Result<Application, PlatformError> {
        let fault = self.enter(Endpoint::AddCategories)?;
        let result = self.with_session(token, |st, t| {
            check_addition(st, t, &request.addition)?;
            let s = session(st, t);
            let d = request.addition.digest(&s.id, None);
            if !signature_ok(&s.cert, &d, &request.signature) {
                return Err(err(401, "signature_invalid", None));
            }
            let p = person(st, t);
            let app = p.application.as_mut().expect("checked");
            for &category in &request.addition.categories {
                app.categories.push(AppliedCategory {
                    category,
                    amount_yen: category.max_yen(),
                    status: ApplicationStatus::Submitted,
                    applied_at: 1_700_000_000,
                });
            }
            app.categories.sort_by_key(|c| c.category);
            Ok(app.clone())
        });
        Self::leave(fault, result)
    }
}

/// An addition needs the person's application, its service, and open categories.
fn check_addition(
    st: &mut State,
    token: &str,
    addition: &CategoryAddition,
) -> Result<Application, PlatformError> {
    let today = st.today.unwrap_or_else(CivilDate::today_in_japan);
    let p = person(st, token);
    let Some(application) = p.application.clone() else {
        return Err(err(404, "not_applied", None));
    };
    if application.service_id != addition.service_id {
        return Err(err(409, "service_cannot_change", Some("service_id")));
    }
    let eligibility = eligibility_of(p, today);
    for (i, c) in addition.categories.iter().enumerate() {
        let field = format!("categories[{i}]");
        match eligibility.of(*c).map(|s| s.state) {
            Some(CategoryState::Eligible) => {}
            Some(CategoryState::Applied) => {
                return Err(err(409, "category_already_applied", Some(&field)))
            }
            _ => return Err(err(409, "category_not_available", Some(&field))),
        }
    }
    Ok(application)
}
