//! The domain: the nouns (holders, certificates, annotations, verifications) and the rules
//! about them, built for both the server and the browser so that both validate input with the
//! same code. Each `parse` returns the message key that tells the user what exactly is wrong.
//! Nothing here knows about storage, HTTP or the clock: instants are passed in.

pub mod annotation;
pub mod contact;
pub mod identity;
pub mod name;

pub use contact::{Mobile, NewPassword};
pub use identity::{mask_id_number, IdNumber, IdType};
pub use name::HolderName;
pub mod account;
pub mod appeal;
pub mod audit;
pub mod certificate;
pub mod issuer;
pub mod time;
pub mod verification;

// The nouns, so that any layer can `use crate::domain::{Certificate, Annotation, …}`.
pub use account::{Holder, HolderId, NewHolder, NewSession, Owner, SessionRecord, ThrottlePolicy};
pub use annotation::{
    Annotation, AnnotationId, AnnotationState, ApplyOutcome, NewAnnotation, ProducedAnnotation,
};
pub use audit::AuditEntry;
pub use certificate::{
    Certificate, CertificateId, CertificateNumber, CertificateRecord, CertificateStatus,
    ECertificate, FileMeta, NewCertificateFile, UpsertOutcome,
};
pub use issuer::SigningKeyRecord;
pub use time::Millis;
pub use verification::{
    CodeTarget, Method, Verdict, VerificationRecord, VerifyCode, LOG_LINES, LOG_LINES_PER_SOURCE,
    REPEAT_WINDOW_MS,
};
