//! [`PlatformApi`] over HTTP (reqwest, rustls; no OpenSSL).
//!
//! Timeouts for connecting and for the whole request; repeats (bounded, with
//! backoff) only for requests that are safe to repeat: GETs, and POSTs or
//! DELETEs carrying an `Idempotency-Key`, with the same key on every attempt.
//! Request bodies are never logged; the bearer token is marked sensitive.

use std::time::Duration;

use async_trait::async_trait;
use mynapoint_contract::{ErrorResponse, Health};
use reqwest::header::{HeaderValue, CONTENT_TYPE};
use reqwest::{Client, Method, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;
use zeroize::Zeroizing;

use super::error::{ErrorCode, PlatformError};
use super::retry::RetryPolicy;
use super::types::*;
use super::PlatformApi;

/// Timeouts and repeats of an [`HttpPlatform`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpConfig {
    pub connect_timeout: Duration,
    /// For one attempt, from sending to the end of the answer.
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(20),
            retry: RetryPolicy::default(),
        }
    }
}

/// The platform at `base_url` (e.g. `http://127.0.0.1:8080`; `/v1/...` is appended).
#[derive(Debug, Clone)]
pub struct HttpPlatform {
    client: Client,
    base: Url,
    config: HttpConfig,
}

/// One logical request; every attempt sends exactly this.
struct Call<'a> {
    method: Method,
    path: &'a [&'a str],
    query: Option<(&'a str, &'a str)>,
    token: Option<&'a SessionToken>,
    /// JSON; may hold secrets, so wiped when the call ends.
    body: Option<Zeroizing<Vec<u8>>>,
    key: Option<IdempotencyKey>,
    /// Extra headers (the field upload's `Device-Signature`).
    headers: Vec<(&'static str, String)>,
    /// Safe to repeat without an Idempotency-Key (idempotent by its body).
    idempotent: bool,
}

impl<'a> Call<'a> {
    fn get(path: &'a [&'a str], token: Option<&'a SessionToken>) -> Self {
        Self {
            method: Method::GET,
            path,
            query: None,
            token,
            body: None,
            key: None,
            headers: Vec::new(),
            idempotent: false,
        }
    }

    /// A POST with a JSON body and an Idempotency-Key (fresh unless given).
    fn post<B: Serialize>(
        path: &'a [&'a str],
        token: Option<&'a SessionToken>,
        body: &B,
        key: Option<&IdempotencyKey>,
    ) -> Result<Self, PlatformError> {
        let json = serde_json::to_vec(body)
            .map_err(|e| PlatformError::Decode(format!("request body: {e}")))?;
        Ok(Self {
            method: Method::POST,
            path,
            query: None,
            token,
            body: Some(Zeroizing::new(json)),
            key: Some(key.cloned().unwrap_or_default()),
            headers: Vec::new(),
            idempotent: false,
        })
    }
}

impl HttpPlatform {
    /// A client with the default timeouts and repeats.
    pub fn new(base_url: &str) -> Result<Self, PlatformError> {
        Self::with_config(base_url, HttpConfig::default())
    }

    pub fn with_config(base_url: &str, config: HttpConfig) -> Result<Self, PlatformError> {
        let base = Url::parse(base_url)
            .map_err(|e| PlatformError::Network(format!("bad base URL {base_url:?}: {e}")))?;
        if base.cannot_be_a_base() {
            return Err(PlatformError::Network(format!(
                "bad base URL {base_url:?}: not a base"
            )));
        }
        let client = Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .build()
            .map_err(|e| PlatformError::Network(format!("HTTP client: {e}")))?;
        Ok(Self {
            client,
            base,
            config,
        })
    }

    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    fn url(&self, path: &[&str], query: Option<(&str, &str)>) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().push("v1").extend(path);
        }
        if let Some((name, value)) = query {
            url.query_pairs_mut().append_pair(name, value);
        }
        url
    }

    async fn call<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T, PlatformError> {
        let url = self.url(call.path, call.query);
        let repeatable = call.method == Method::GET || call.key.is_some() || call.idempotent;
        let mut attempt = 1;
        loop {
            match self.attempt(&call, url.clone()).await {
                Err(e)
                    if repeatable && e.is_transient() && self.config.retry.may_retry(attempt) =>
                {
                    tracing::debug!(
                        method = %call.method,
                        path = url.path(),
                        attempt,
                        error = %e,
                        "platform request repeated"
                    );
                    tokio::time::sleep(self.config.retry.backoff(attempt)).await;
                    attempt += 1;
                }
                Err(e) => return Err(e),
                Ok(bytes) => {
                    return serde_json::from_slice(&bytes)
                        .map_err(|e| PlatformError::Decode(format!("{}: {e}", url.path())));
                }
            }
        }
    }

    /// One attempt: the body of a 2xx answer, or the error.
    async fn attempt(&self, call: &Call<'_>, url: Url) -> Result<Vec<u8>, PlatformError> {
        let mut request = self
            .client
            .request(call.method.clone(), url)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(token) = call.token {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                .map_err(|_| PlatformError::Decode("session token is not header-safe".into()))?;
            value.set_sensitive(true);
            request = request.header(reqwest::header::AUTHORIZATION, value);
        }
        if let Some(key) = &call.key {
            request = request.header("Idempotency-Key", key.as_str());
        }
        for (name, value) in &call.headers {
            request = request.header(*name, value.as_str());
        }
        if let Some(body) = &call.body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        let response = request.send().await.map_err(transport_error)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(transport_error)?;
        if status.is_success() {
            return Ok(bytes.to_vec());
        }
        Err(match serde_json::from_slice::<ErrorResponse>(&bytes) {
            Ok(envelope) => PlatformError::Http {
                status: status.as_u16(),
                code: envelope.error.code,
                message: envelope.error.message,
                field: envelope.error.field,
            },
            Err(_) => PlatformError::Http {
                status: status.as_u16(),
                code: ErrorCode::Other(format!("http_{}", status.as_u16())),
                message: String::new(),
                field: None,
            },
        })
    }
}

fn transport_error(e: reqwest::Error) -> PlatformError {
    if e.is_timeout() {
        PlatformError::Timeout
    } else if e.is_decode() {
        PlatformError::Decode(e.to_string())
    } else {
        PlatformError::Network(e.without_url().to_string())
    }
}

/// The body of a POST that takes none.
#[derive(Serialize)]
struct Empty {}

#[async_trait]
impl PlatformApi for HttpPlatform {
    async fn health(&self) -> Result<(), PlatformError> {
        self.call::<Health>(Call::get(&["health"], None))
            .await
            .map(|_| ())
    }

    async fn create_challenge(&self) -> Result<Challenge, PlatformError> {
        self.call(Call::post(&["auth", "challenge"], None, &Empty {}, None)?)
            .await
    }

    async fn login(&self, request: &LoginRequest) -> Result<LoginResponse, PlatformError> {
        self.call(Call::post(&["auth", "login"], None, request, None)?)
            .await
    }

    async fn my_key_id(&self, token: &SessionToken) -> Result<MyKeyIdRecord, PlatformError> {
        self.call(Call::get(&["my-key-id"], Some(token))).await
    }

    async fn my_key_id_candidate(&self, token: &SessionToken) -> Result<Candidate, PlatformError> {
        self.call(Call::post(
            &["my-key-id", "candidates"],
            Some(token),
            &Empty {},
            None,
        )?)
        .await
    }

    async fn check_my_key_id(
        &self,
        token: &SessionToken,
        my_key_id: &str,
    ) -> Result<CheckResult, PlatformError> {
        let body = CheckRequest {
            my_key_id: my_key_id.to_owned(),
        };
        self.call(Call::post(
            &["my-key-id", "check"],
            Some(token),
            &body,
            None,
        )?)
        .await
    }

    async fn issue_my_key_id(
        &self,
        token: &SessionToken,
        request: &IssueRequest,
        key: &IdempotencyKey,
    ) -> Result<MyKeyIdRecord, PlatformError> {
        self.call(Call::post(&["my-key-id"], Some(token), request, Some(key))?)
            .await
    }

    async fn change_my_key_id(
        &self,
        token: &SessionToken,
        request: &ChangeRequest,
        key: &IdempotencyKey,
    ) -> Result<MyKeyIdRecord, PlatformError> {
        let mut call = Call::post(&["my-key-id"], Some(token), request, Some(key))?;
        call.method = Method::PUT;
        self.call(call).await
    }

    async fn revoke_my_key_id(
        &self,
        token: &SessionToken,
        key: &IdempotencyKey,
    ) -> Result<RevokeResult, PlatformError> {
        self.call(Call {
            method: Method::DELETE,
            path: &["my-key-id"],
            query: None,
            token: Some(token),
            body: None,
            key: Some(key.clone()),
            headers: Vec::new(),
            idempotent: false,
        })
        .await
    }

    async fn search_services(
        &self,
        token: Option<&SessionToken>,
        keyword: &str,
    ) -> Result<Vec<ServiceSummary>, PlatformError> {
        let mut call = Call::get(&["payment-services"], token);
        call.query = Some(("q", keyword));
        self.call::<ServiceList>(call).await.map(|l| l.services)
    }

    async fn service(
        &self,
        token: Option<&SessionToken>,
        service_id: &str,
    ) -> Result<Service, PlatformError> {
        self.call(Call::get(&["payment-services", service_id], token))
            .await
    }

    async fn content_to_sign(
        &self,
        token: &SessionToken,
        content: &ApplicationContent,
    ) -> Result<ContentToSign, PlatformError> {
        self.call(Call::post(
            &["applications", "content-to-sign"],
            Some(token),
            content,
            None,
        )?)
        .await
    }

    async fn submit_application(
        &self,
        token: &SessionToken,
        request: &ApplicationRequest,
        key: &IdempotencyKey,
    ) -> Result<Application, PlatformError> {
        self.call(Call::post(
            &["applications"],
            Some(token),
            request,
            Some(key),
        )?)
        .await
    }

    async fn my_application(&self, token: &SessionToken) -> Result<Application, PlatformError> {
        self.call(Call::get(&["applications", "mine"], Some(token)))
            .await
    }

    async fn eligibility(&self, token: &SessionToken) -> Result<Eligibility, PlatformError> {
        self.call(Call::get(&["applications", "eligibility"], Some(token)))
            .await
    }

    async fn categories_content_to_sign(
        &self,
        token: &SessionToken,
        addition: &CategoryAddition,
    ) -> Result<ContentToSign, PlatformError> {
        self.call(Call::post(
            &["applications", "categories", "content-to-sign"],
            Some(token),
            addition,
            None,
        )?)
        .await
    }

    async fn add_categories(
        &self,
        token: &SessionToken,
        request: &CategoryAdditionRequest,
        key: &IdempotencyKey,
    ) -> Result<Application, PlatformError> {
        self.call(Call::post(
            &["applications", "categories"],
            Some(token),
            request,
            Some(key),
        )?)
        .await
    }
}

mod field;

#[cfg(test)]
mod tests;
