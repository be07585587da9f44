mod certificate_details;
mod my_certificates;

pub use certificate_details::*;
pub use my_certificates::*;
