//! The one list of routes: the router is built from it, each route with the
//! status of its answer and every error it can answer. A test compares it
//! with `openapi.yaml` (paths, and the statuses of each operation); a debug
//! build answers 500 `internal` when a route answers a code it does not
//! declare, so every test run checks the lists.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter};
use axum::Router;

use super::{admin, applications, card_login, catalogue, field, my_key_id, AppState};
use crate::rules::error::{ApiError, ErrorCode};
use ErrorCode::*;

/// An error a route can answer: the code and its status there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: ErrorCode,
    pub status: u16,
}

/// `code` with its usual status.
const fn usual(code: ErrorCode) -> Refusal {
    let status = code.http_status();
    Refusal { code, status }
}

/// A route: method, path (OpenAPI syntax), the status of its answer, and
/// the errors it can answer (groups of [`Refusal`]s).
#[derive(Debug)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub success: u16,
    pub refusals: &'static [&'static [Refusal]],
}

impl Route {
    /// Every error the route can answer.
    pub fn errors(&self) -> impl Iterator<Item = &Refusal> {
        self.refusals.iter().flat_map(|group| group.iter())
    }
}

/// A JSON body read field by field.
const BODY: &[Refusal] = &[usual(InvalidJson), usual(FieldMissing), usual(FieldType)];
/// A bearer session.
const SESSION: &[Refusal] = &[
    usual(Unauthenticated),
    usual(SessionExpired),
    usual(CertificateExpired),
];
/// The `Idempotency-Key` of a replayable write (its body is read whole).
const IDEMPOTENT: &[Refusal] = &[
    usual(IdempotencyKeyFormat),
    usual(IdempotencyKeyReused),
    usual(IdempotencyInProgress),
    usual(InvalidJson),
    usual(Internal),
];
/// The database.
const STORE: &[Refusal] = &[usual(Internal)];
const LOGIN: &[Refusal] = &[
    usual(IdempotencyKeyFormat),
    usual(ChallengeUnknown),
    usual(ChallengeExpired),
    usual(ChallengeUsed),
    usual(CertificateFormat),
    usual(SignatureFormat),
    usual(SignatureInvalid),
    usual(CertificateUntrusted),
    usual(CertificateExpired),
    usual(CertificateNotYetValid),
    usual(CertificateRevoked),
];
/// Choosing a My Key ID in this session (candidates, checks).
const CHOOSING: &[Refusal] = &[usual(MyKeyIdRevoked), usual(FreshLoginRequired)];
/// The id a session chose (`mode` + `my_key_id`).
const CHOSEN: &[Refusal] = &[
    usual(ModeFormat),
    usual(MyKeyIdFormat),
    usual(MyKeyIdNotOffered),
    usual(MyKeyIdNotChecked),
    usual(MyKeyIdTaken),
    usual(MyKeyIdRevoked),
];
const ISSUE: &[Refusal] = &[
    usual(PasswordFormat),
    usual(EmailFormat),
    usual(MunicipalityCode),
    usual(MyKeyIdAlreadyIssued),
];
const CHANGE: &[Refusal] = &[
    usual(MyKeyIdNotIssued),
    usual(FreshLoginRequired),
    usual(MyKeyIdUnchanged),
];
/// The content of an application (content-to-sign and submission).
const CONTENT: &[Refusal] = &[
    usual(MyKeyIdRequired),
    Refusal {
        code: ServiceUnknown,
        status: 400,
    },
    usual(TermsVersionMismatch),
    usual(PaymentIdFormat),
    usual(SecurityCodeFormat),
    usual(PhoneLast4Format),
    usual(ChildBirthDateFormat),
    usual(ChildNotUnder15),
    usual(CertificateFormat),
    usual(RepresentativeCertificateUntrusted),
    usual(RepresentativeCertificateExpired),
    usual(RepresentativeCertificateRevoked),
    usual(RepresentativeIsApplicant),
    usual(PaymentAccountInUse),
];
/// The categories applied for and who may (new applications and additions).
const CATEGORIES: &[Refusal] = &[
    usual(CategoriesFormat),
    usual(CategoryNotAvailable),
    usual(CategoryAlreadyApplied),
    usual(ServiceCannotChange),
    usual(AlreadyApplied),
];
/// Adding categories on the person's one service (for a child's
/// application with the legal representative's card too).
const ADDITION: &[Refusal] = &[
    usual(CertificateFormat),
    usual(RepresentativeCertificateUntrusted),
    usual(RepresentativeCertificateExpired),
    usual(RepresentativeCertificateRevoked),
    usual(RepresentativeSignatureInvalid),
    usual(MyKeyIdRequired),
    usual(NotApplied),
    usual(SignatureFormat),
    usual(SignatureInvalid),
    usual(AlreadyApplied),
    usual(PaymentAccountInUse),
];
const SUBMIT: &[Refusal] = &[
    usual(SignatureFormat),
    usual(SignatureInvalid),
    usual(RepresentativeSignatureInvalid),
    usual(AlreadyApplied),
];

/// A field terminal's token.
const TERMINAL: &[Refusal] = &[usual(Unauthenticated), usual(SessionExpired)];
/// The administrator token.
const ADMIN: &[Refusal] = &[usual(Unauthenticated)];
/// A write whose `Idempotency-Key` is checked but never replayed (field
/// app and administration: idempotent by their own identifiers).
const KEY_CHECKED: &[Refusal] = &[usual(IdempotencyKeyFormat)];
/// A project of the terminal's municipality (path parameter).
const PROJECT: &[Refusal] = &[
    usual(ProjectIdFormat),
    usual(ProjectUnknown),
    usual(ProjectOtherMunicipality),
];
const TERMINAL_LOGIN: &[Refusal] = &[
    usual(TerminalIdFormat),
    usual(DeviceKeyFormat),
    usual(DeviceFingerprintFormat),
    usual(TerminalUnknown),
    usual(TerminalLocked),
    usual(TerminalPasswordWrong),
    usual(TerminalDeviceMismatch),
];
const UPLOAD: &[Refusal] = &[
    usual(InvalidJson),
    usual(BatchSignatureMissing),
    usual(BatchSignatureInvalid),
    usual(BatchFormat),
];
const ADD_REGISTRATION: &[Refusal] = &[
    usual(MyKeyIdFormat),
    usual(ParticipantFormat),
    usual(ProjectClosed),
    usual(ParticipantNotInMaster),
    usual(MyKeyIdNotIssued),
    usual(AlreadyOnRoster),
    usual(NotWaiting),
];

macro_rules! route_table {
    ($($method:ident $path:literal => $handler:path, $success:literal, [$($group:expr),* $(,)?];)+) => {
        /// (method, path) of every route, in OpenAPI path syntax.
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),+];

        /// Every route with its answer's status and its errors.
        pub static ROUTE_TABLE: &[Route] = &[$(Route {
            method: stringify!($method),
            path: $path,
            success: $success,
            refusals: &[$($group),*],
        }),+];

        pub(crate) fn api_router() -> Router<AppState> {
            Router::new()
                $(.route($path, on(MethodFilter::$method, $handler)))+
        }
    };
}

route_table! {
    GET "/v1/health" => super::health, 200, [];
    POST "/v1/auth/challenge" => card_login::challenge, 201, [&[usual(IdempotencyKeyFormat)]];
    POST "/v1/auth/login" => card_login::login, 200, [BODY, LOGIN, STORE];
    GET "/v1/my-key-id" => my_key_id::get, 200, [SESSION, &[usual(MyKeyIdNotIssued)], STORE];
    POST "/v1/my-key-id" => my_key_id::issue, 201, [SESSION, IDEMPOTENT, BODY, CHOSEN, ISSUE];
    PUT "/v1/my-key-id" => my_key_id::change, 200, [SESSION, IDEMPOTENT, BODY, CHOSEN, CHANGE];
    DELETE "/v1/my-key-id" => my_key_id::revoke, 200,
        [SESSION, IDEMPOTENT, &[usual(MyKeyIdNotIssued), usual(MyKeyIdRevoked)]];
    POST "/v1/my-key-id/candidates" => my_key_id::candidate, 200,
        [SESSION, IDEMPOTENT, CHOOSING, &[usual(NoMoreCandidates)]];
    POST "/v1/my-key-id/check" => my_key_id::check, 200,
        [SESSION, IDEMPOTENT, BODY, CHOOSING,
         &[usual(MyKeyIdFormat), usual(MyKeyIdUnchanged), usual(OwnChoiceExhausted)]];
    GET "/v1/payment-services" => catalogue::list, 200, [&[usual(FieldType)]];
    GET "/v1/payment-services/{service_id}" => catalogue::get, 200, [&[usual(ServiceUnknown)]];
    POST "/v1/applications/content-to-sign" => applications::content_to_sign, 200,
        [SESSION, IDEMPOTENT, BODY, CONTENT, CATEGORIES];
    POST "/v1/applications" => applications::submit, 201,
        [SESSION, IDEMPOTENT, BODY, CONTENT, CATEGORIES, SUBMIT];
    GET "/v1/applications/mine" => applications::mine, 200, [SESSION, &[usual(NotApplied)], STORE];
    POST "/v1/field/login" => field::login, 200, [KEY_CHECKED, BODY, TERMINAL_LOGIN, STORE];
    GET "/v1/field/projects" => field::projects, 200, [TERMINAL, STORE];
    GET "/v1/field/projects/{project_id}/roster" => field::roster_sync, 200,
        [TERMINAL, PROJECT, &[usual(FieldType)], STORE];
    POST "/v1/field/projects/{project_id}/roster" => field::add_registration, 200,
        [TERMINAL, KEY_CHECKED, BODY, PROJECT, ADD_REGISTRATION, STORE];
    GET "/v1/field/projects/{project_id}/not-on-roster" => field::not_on_roster, 200,
        [TERMINAL, PROJECT, STORE];
    POST "/v1/field/taps" => field::upload, 200, [TERMINAL, KEY_CHECKED, UPLOAD, STORE];
    POST "/v1/admin/municipalities" => admin::add_municipality, 201,
        [ADMIN, KEY_CHECKED, BODY, &[usual(MunicipalityCode), usual(AlreadyExists)], STORE];
    POST "/v1/admin/projects" => admin::add_project, 201,
        [ADMIN, KEY_CHECKED, BODY,
         &[usual(MunicipalityCode), usual(ProjectIdFormat), usual(PointIdFormat),
           usual(MunicipalityUnknown), usual(AlreadyExists)], STORE];
    PUT "/v1/admin/projects/{project_id}/open" => admin::set_open, 200,
        [ADMIN, KEY_CHECKED, BODY, &[usual(ProjectIdFormat), usual(ProjectUnknown)], STORE];
    POST "/v1/admin/projects/{project_id}/roster" => admin::write_roster, 200,
        [ADMIN, KEY_CHECKED, BODY,
         &[usual(ProjectIdFormat), usual(ProjectUnknown), usual(RosterRowFormat),
           usual(MyKeyIdNotIssued)], STORE];
    DELETE "/v1/admin/projects/{project_id}/roster/{my_key_id}" => admin::remove_from_roster, 200,
        [ADMIN, KEY_CHECKED,
         &[usual(ProjectIdFormat), usual(ProjectUnknown), usual(MyKeyIdFormat),
           usual(NotOnRoster)], STORE];
    POST "/v1/admin/terminals" => admin::add_terminal, 201,
        [ADMIN, KEY_CHECKED, BODY,
         &[usual(TerminalIdFormat), usual(MunicipalityCode), usual(PasswordFormat),
           usual(MunicipalityUnknown), usual(AlreadyExists)], STORE];
    POST "/v1/admin/terminals/{terminal_id}/re-register" => admin::re_register, 200,
        [ADMIN, KEY_CHECKED,
         &[usual(TerminalIdFormat), Refusal { code: TerminalUnknown, status: 404 }], STORE];
    PUT "/v1/admin/participants" => admin::write_participants, 200,
        [ADMIN, KEY_CHECKED, BODY, &[usual(ParticipantFormat)], STORE];
    GET "/v1/admin/grants/{my_key_id}" => admin::grants, 200,
        [ADMIN, &[usual(MyKeyIdFormat), usual(MyKeyIdNotIssued)], STORE];
    GET "/v1/admin/outbox" => admin::outbox, 200, [ADMIN, STORE];
    POST "/v1/admin/outbox/drain" => admin::drain, 200, [ADMIN, KEY_CHECKED, STORE];
    GET "/v1/applications/eligibility" => applications::eligibility, 200, [SESSION, STORE];
    POST "/v1/applications/categories/content-to-sign" => applications::categories_content_to_sign, 200,
        [SESSION, IDEMPOTENT, BODY, CATEGORIES, ADDITION];
    POST "/v1/applications/categories" => applications::add_categories, 200,
        [SESSION, IDEMPOTENT, BODY, CATEGORIES, ADDITION];
    PUT "/v1/admin/persons/eligibility" => applications::set_eligibility, 200,
        [&[usual(Unauthenticated), usual(EligibilityFormat), usual(InvalidJson)], IDEMPOTENT];
}

/// The route of a matched request, if it is in the table.
pub fn route_of(method: &str, path: &str) -> Option<&'static Route> {
    ROUTE_TABLE
        .iter()
        .find(|r| r.method == method && r.path == path)
}

/// Checks that an error answer's code is one its route declares. An
/// undeclared one is logged; a debug build answers 500 `internal` instead,
/// so that tests (and the API fuzzer) catch a table that is not exact.
pub(crate) async fn check_declared(request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_owned();
    let path = request.extensions().get::<MatchedPath>().cloned();
    let response = next.run(request).await;
    let (Some(path), Some(code)) = (path, response.extensions().get::<ErrorCode>()) else {
        return response;
    };
    let Some(route) = route_of(&method, path.as_str()) else {
        return response;
    };
    let status = response.status().as_u16();
    if route
        .errors()
        .any(|r| &r.code == code && r.status == status)
    {
        return response;
    }
    tracing::error!(
        %method,
        path = path.as_str(),
        code = code.as_str(),
        status,
        "an error code the route does not declare"
    );
    if cfg!(debug_assertions) {
        ApiError::new(
            ErrorCode::Internal,
            format!(
                "Undeclared answer {status} {} on {method} {}.",
                code.as_str(),
                path.as_str()
            ),
        )
        .into_response()
    } else {
        response
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    #[tokio::test]
    async fn a_debug_build_answers_internal_for_an_undeclared_code() {
        let refuse = || async { ApiError::new(NotApplied, "none") };
        let router: Router = Router::new()
            .route("/v1/health", get(refuse))
            .route("/v1/applications/mine", get(refuse))
            .layer(axum::middleware::from_fn(check_declared));
        let status = |path: &'static str| {
            let router = router.clone();
            async move {
                let request = axum::http::Request::get(path).body(Body::empty()).unwrap();
                router.oneshot(request).await.unwrap().status().as_u16()
            }
        };
        // `GET /v1/health` declares no error; `GET /v1/applications/mine` declares `not_applied`.
        assert_eq!(status("/v1/health").await, 500);
        assert_eq!(status("/v1/applications/mine").await, 404);
    }

    #[test]
    fn every_route_is_in_the_table_once() {
        assert_eq!(ROUTES.len(), ROUTE_TABLE.len());
        for route in ROUTE_TABLE {
            assert!(std::ptr::eq(
                route_of(route.method, route.path).unwrap(),
                route
            ));
        }
    }
}
