//! The e-certificate section of the download page.

use crate::certificates::views::CertificateView;
use leptos::prelude::*;

/// The e-certificate actions for `certificate` (filled in by the annotation feature).
pub fn ecertificate_section(certificate: CertificateView) -> impl IntoView {
    let _ = certificate;
}
