//! Password hashing with Argon2id (RFC 9106 recommended parameters of the argon2 crate).
//! Hashing is CPU-heavy, so it runs through [`crate::infra::HashGate`] on the blocking thread
//! pool, never on the async workers, and never more at once than the gate allows.

use crate::domain::NewPassword;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Hashes a password that met the policy. Returns the PHC string to store.
pub fn hash_password(password: &NewPassword) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)?
        .to_string())
}

/// Whether `candidate` matches the stored hash. A malformed hash never matches.
pub fn verify_password(stored_hash: &str, candidate: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(candidate.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of a random password, verified against when the account does not exist, so that a
/// login for an unknown ID number takes as long as one for a known ID number.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let password = NewPassword::parse("decoy-password-0", None).expect("policy-conforming");
        hash_password(&password).expect("hashing a constant cannot fail")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let password = NewPassword::parse("correct1horse", None).unwrap();
        let a = hash_password(&password).unwrap();
        let b = hash_password(&password).unwrap();
        assert_ne!(a, b, "salted");
        assert!(a.starts_with("$argon2id$"));
        assert!(verify_password(&a, "correct1horse"));
        assert!(!verify_password(&a, "correct1horsf"));
        assert!(!verify_password("not a hash", "correct1horse"));
    }
}
