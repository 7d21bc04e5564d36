//! Logs a new simulated card (cardsim, signed by its stable test CA, which
//! the platform trusts by default) in to the platform at the URL given and
//! prints the session token: `scripts/api-fuzz.sh` gives it to the API
//! fuzzer so that the authenticated routes are exercised too.
//!
//! `cargo run -p mynapoint-platform --example card_login -- http://127.0.0.1:PORT`

use mynapoint_contract::{Challenge, LoginRequest, LoginResponse};
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha2::{Digest, Sha256};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::args()
        .nth(1)
        .ok_or("usage: card_login BASE_URL")?;
    let card = cardsim::CardSpec::new().build()?;
    let key = RsaPrivateKey::from_pkcs8_der(&card.auth_key_pkcs8)?;
    let http = reqwest::Client::new();
    let challenge: Challenge = http
        .post(format!("{base}/v1/auth/challenge"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let signature = key.sign(
        Pkcs1v15Sign::new::<Sha256>(),
        &Sha256::digest(&challenge.challenge),
    )?;
    let request = LoginRequest {
        challenge_id: challenge.challenge_id,
        certificate: card.auth_cert.clone(),
        signature,
    };
    let login: LoginResponse = http
        .post(format!("{base}/v1/auth/login"))
        .json(&request)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    println!("{}", login.session_token.expose());
    Ok(())
}
