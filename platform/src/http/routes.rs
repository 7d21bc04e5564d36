//! The one list of routes: the router is built from it, and a test compares
//! it with the paths of `openapi.yaml`.

use axum::routing::{on, MethodFilter};
use axum::Router;

use super::AppState;
use crate::{applications, auth, catalogue, my_key_id};

macro_rules! route_table {
    ($($method:ident $path:literal => $handler:path),+ $(,)?) => {
        /// (method, path) of every route, in OpenAPI path syntax.
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),+];

        pub(crate) fn api_router() -> Router<AppState> {
            Router::new()
                $(.route($path, on(MethodFilter::$method, $handler)))+
        }
    };
}

route_table! {
    GET "/v1/health" => super::health,
    POST "/v1/auth/challenge" => auth::challenge,
    POST "/v1/auth/login" => auth::login,
    GET "/v1/my-key-id" => my_key_id::get,
    POST "/v1/my-key-id" => my_key_id::issue,
    PUT "/v1/my-key-id" => my_key_id::change,
    DELETE "/v1/my-key-id" => my_key_id::revoke,
    POST "/v1/my-key-id/candidates" => my_key_id::candidate,
    POST "/v1/my-key-id/check" => my_key_id::check,
    GET "/v1/payment-services" => catalogue::list,
    GET "/v1/payment-services/{service_id}" => catalogue::get,
    POST "/v1/applications/content-to-sign" => applications::content_to_sign,
    POST "/v1/applications" => applications::submit,
    GET "/v1/applications/mine" => applications::mine,
}
