//! [`FieldApi`] over HTTP: the field routes on the same client, timeouts
//! and repeat rules as the resident's (see [`FieldApi`] for
//! which calls repeat).

use async_trait::async_trait;
use mynapoint_contract::grant::{
    AddRegistrationRequest, AddRegistrationResponse, NotOnRosterList, ProjectList, RosterSync,
    TerminalLoginRequest, TerminalLoginResponse, UploadResponse, DEVICE_SIGNATURE_HEADER,
};
use reqwest::Method;
use zeroize::Zeroizing;

use super::{Call, HttpPlatform};
use crate::platform::{FieldApi, PlatformError, SessionToken};

/// A POST without an Idempotency-Key.
fn post<'a>(path: &'a [&'a str], token: Option<&'a SessionToken>, body: Vec<u8>) -> Call<'a> {
    Call {
        method: Method::POST,
        path,
        query: None,
        token,
        body: Some(Zeroizing::new(body)),
        key: None,
        headers: Vec::new(),
        idempotent: false,
    }
}

fn json<B: serde::Serialize>(body: &B) -> Result<Vec<u8>, PlatformError> {
    serde_json::to_vec(body).map_err(|e| PlatformError::Decode(format!("request body: {e}")))
}

#[async_trait]
impl FieldApi for HttpPlatform {
    async fn terminal_login(
        &self,
        request: &TerminalLoginRequest,
    ) -> Result<TerminalLoginResponse, PlatformError> {
        self.call(post(&["field", "login"], None, json(request)?))
            .await
    }

    async fn projects(&self, token: &SessionToken) -> Result<ProjectList, PlatformError> {
        self.call(Call::get(&["field", "projects"], Some(token)))
            .await
    }

    async fn roster(
        &self,
        token: &SessionToken,
        project_id: &str,
        since: u64,
    ) -> Result<RosterSync, PlatformError> {
        let since = since.to_string();
        let path = ["field", "projects", project_id, "roster"];
        let mut call = Call::get(&path, Some(token));
        call.query = Some(("since", &since));
        self.call(call).await
    }

    async fn upload_taps(
        &self,
        token: &SessionToken,
        body: &[u8],
        signature: &str,
    ) -> Result<UploadResponse, PlatformError> {
        let mut call = post(&["field", "taps"], Some(token), body.to_vec());
        call.headers
            .push((DEVICE_SIGNATURE_HEADER, signature.to_owned()));
        call.idempotent = true;
        self.call(call).await
    }

    async fn not_on_roster(
        &self,
        token: &SessionToken,
        project_id: &str,
    ) -> Result<NotOnRosterList, PlatformError> {
        self.call(Call::get(
            &["field", "projects", project_id, "not-on-roster"],
            Some(token),
        ))
        .await
    }

    async fn add_registration(
        &self,
        token: &SessionToken,
        project_id: &str,
        request: &AddRegistrationRequest,
    ) -> Result<AddRegistrationResponse, PlatformError> {
        self.call(post(
            &["field", "projects", project_id, "roster"],
            Some(token),
            json(request)?,
        ))
        .await
    }
}
