//! The application: one payment service, its terms, the payment details
//! (a refused field is asked again alone), the review.

use mynapoint_core::platform::Service;
use mynapoint_core::resident::{check_field, Field, PaymentForm, ResidentError, Step};
use zeroize::Zeroizing;

use mynapoint_core::resident::labels::{service_kind_name, service_rules};

use super::explain::{failure, line};
use super::flow::Flow;
use crate::Failure;

/// The payment screen's answers, kept until the platform accepts them.
struct Typed {
    payment_id: Zeroizing<String>,
    security_codes: Vec<Zeroizing<String>>,
    phone_last4: Zeroizing<String>,
}

impl Typed {
    fn form(&self) -> PaymentForm {
        PaymentForm {
            payment_id: self.payment_id.to_string(),
            security_codes: self.security_codes.iter().map(|c| c.to_string()).collect(),
            phone_last4: Some(self.phone_last4.to_string()),
        }
    }
}

fn current_service(flow: &Flow<'_, '_>) -> Result<Service, Failure> {
    let step = flow.session.step();
    flow.session
        .service()
        .cloned()
        .ok_or_else(|| failure(ResidentError::WrongStep { step }))
}

impl Flow<'_, '_> {
    pub(super) async fn choose_service(&mut self) -> Result<(), Failure> {
        self.say
            .step("Choose ONE payment service (it cannot be changed after applying)")?;
        let before = self.session.step();
        loop {
            let keyword = self.answers.keyword(&mut self.say)?;
            self.say.line(format!("searching for {keyword} ..."))?;
            let found = match self.session.search_services(&keyword).await {
                Ok(found) => found,
                Err(e) => return self.go_on_or_stop(e, before),
            };
            if found.is_empty() {
                self.say
                    .problem(format!("nothing found for {keyword}: try another keyword"))?;
                continue;
            }
            for (i, s) in found.iter().enumerate() {
                let kind = format!(", {}", service_kind_name(s.kind, crate::lang()));
                self.say.line(format!(
                    "  {}) {} ({}{kind}) [{}]",
                    i + 1,
                    s.name,
                    s.name_latin,
                    s.service_id
                ))?;
            }
            let Some(i) = self.answers.pick_service(&mut self.say, &found)? else {
                continue;
            };
            match self.session.choose_service(&found[i].service_id).await {
                Ok(service) => {
                    return self
                        .say
                        .line(format!("chosen: {} [{}]", service.name, service.service_id))
                }
                Err(e @ ResidentError::ServiceUnknown) => self.say.problem(line(&e))?,
                Err(e) => return self.go_on_or_stop(e, before),
            }
        }
    }

    pub(super) async fn accept_terms(&mut self) -> Result<(), Failure> {
        let service = current_service(self)?;
        self.say.step(format!(
            "Read and accept the terms of {} (version {})",
            service.name, service.terms_version
        ))?;
        for text in service.terms.lines() {
            self.say.line(format!("| {text}"))?;
        }
        if self.answers.accept_terms(&mut self.say, &service)? {
            self.session
                .accept_terms(&service.terms_version)
                .map_err(failure)?;
            return self.say.line("terms accepted");
        }
        self.say
            .problem("the terms must be accepted to apply with this service: choose another")?;
        self.choose_service().await
    }

    fn ask_payment(
        &mut self,
        typed: &mut Typed,
        field: Field,
        service: &Service,
    ) -> Result<(), Failure> {
        // Checked as it is entered, against the service's rules (nothing is sent).
        let value = loop {
            let value = self.answers.field(&mut self.say, field, Some(service))?;
            match check_field(field, &value, Some(service)) {
                Ok(()) => break value,
                Err(e) => self.say.problem(line(&ResidentError::Invalid(e)))?,
            }
        };
        match field {
            Field::PaymentId => typed.payment_id = value,
            Field::SecurityCode { index } => match typed.security_codes.get_mut(index as usize) {
                Some(slot) => *slot = value,
                None => typed.security_codes.push(value),
            },
            _ => typed.phone_last4 = value,
        }
        Ok(())
    }

    pub(super) async fn enter_payment(&mut self) -> Result<(), Failure> {
        let service = current_service(self)?;
        self.say
            .step(format!("Payment details for {}", service.name))?;
        self.say.line(format!(
            "this service takes {}",
            service_rules(&service, crate::lang())
        ))?;

        let mut typed = Typed {
            payment_id: Zeroizing::default(),
            security_codes: Vec::new(),
            phone_last4: Zeroizing::default(),
        };
        let mut fields = account_fields(&service);
        fields.push(Field::PhoneLast4);
        for field in fields {
            self.ask_payment(&mut typed, field, &service)?;
        }
        let before = self.session.step();
        loop {
            self.say
                .line("checking the details; the platform prepares the content to sign ...")?;
            match self.session.enter_payment(typed.form()).await {
                Ok(review) => {
                    return self.say.line(format!(
                        "accepted; the platform prepared the content for the card to sign \
                         (payment ID shown as {})",
                        review.payment_id_masked.as_deref().unwrap_or("-")
                    ))
                }
                Err(ResidentError::Invalid(f)) => {
                    self.say.problem(line(&ResidentError::Invalid(f)))?;
                    self.ask_payment(&mut typed, f.field, &service)?;
                }
                // Another person's application uses this account: the person
                // enters another account (its ID and its security codes).
                Err(e @ ResidentError::PaymentAccountInUse) => {
                    self.say.problem(line(&e))?;
                    typed.security_codes.clear();
                    for field in account_fields(&service) {
                        self.ask_payment(&mut typed, field, &service)?;
                    }
                }
                Err(e) => return self.go_on_or_stop(e, before),
            }
        }
    }

    pub(super) async fn review(&mut self) -> Result<(), Failure> {
        let Some(review) = self.session.review().cloned() else {
            return Err(failure(ResidentError::WrongStep { step: Step::Review }));
        };
        self.say
            .step("Review: check the service and the payment ID before the card signs")?;
        if review.service_fixed_by.is_some() {
            self.review_addition(&review)?;
            if self.answers.confirm_review(&mut self.say, &review)? {
                self.session.confirm_review().map_err(failure)?;
                return self.say.line("confirmed");
            }
            // Nothing else to change on a fixed service: declining ends it.
            self.session.abort();
            return Err(failure(ResidentError::SessionEnded {
                reason: mynapoint_core::resident::EndReason::Aborted,
            }));
        }
        self.say.line(format!(
            "service:        {} [{}, {}]",
            review.service_name,
            review.service_id,
            review
                .service_kind
                .map_or("", |k| service_kind_name(k, crate::lang()))
        ))?;
        // Whole here, where the person checks it; masked everywhere after.
        self.say.line(format!(
            "{}:  {} (check every character: points go to this account)",
            review.payment_id_label,
            review.payment_id.as_str()
        ))?;
        self.say.line(format!(
            "security codes: {} entered (not shown)",
            review.security_codes_entered
        ))?;
        self.say.line(format!(
            "phone:          {}",
            review
                .phone_last4
                .as_deref()
                .map_or("none".into(), |p| format!("...{p}"))
        ))?;
        self.say.line(format!(
            "terms:          version {} accepted",
            review.terms_version
        ))?;
        self.review_categories(&review)?;
        if let Some(child) = &review.for_child {
            self.say.line(format!(
                "for a child:    born {}, the legal representative's card {} co-signs",
                super::child_steps::iso_date(&child.birth_date),
                child.representative_serial
            ))?;
        }
        if self.answers.confirm_review(&mut self.say, &review)? {
            self.session.confirm_review().map_err(failure)?;
            return self.say.line("confirmed");
        }
        self.enter_payment().await
    }
}

/// The fields that name a payment account: its ID and its security codes.
fn account_fields(service: &Service) -> Vec<Field> {
    let mut fields = vec![Field::PaymentId];
    fields.extend(
        (0..service.security_codes.len() as u32).map(|index| Field::SecurityCode { index }),
    );
    fields
}
