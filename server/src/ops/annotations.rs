//! `server annotations --failed | --certificate NUMBER`: annotations for the operator to look
//! at, e.g. those whose production failed for good (the holder may apply again; the error
//! says why).

use crate::ops::open;
use app::domain::time::china_minute;
use app::domain::Annotation;
use clap::Args;
use std::process::ExitCode;

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct AnnotationsArgs {
    /// List the annotations whose production failed for good.
    #[arg(long)]
    pub failed: bool,

    /// List the annotations of this certificate (管理号).
    #[arg(long, value_name = "NUMBER")]
    pub certificate: Option<String>,
}

pub async fn run(url: &str, args: AnnotationsArgs) -> anyhow::Result<ExitCode> {
    let storage = open(url).await?;
    let list = match &args.certificate {
        Some(number) => {
            let Some(certificate) = storage.certificate_by_number(number).await? else {
                anyhow::bail!("no certificate has the number {number:?}");
            };
            storage.annotations_of_certificate(certificate.id).await?
        }
        None => storage.failed_annotations().await?,
    };
    if list.is_empty() {
        println!(
            "{}",
            if args.failed {
                "no failed annotations"
            } else {
                "no annotations"
            }
        );
    }
    for annotation in &list {
        print_annotation(&storage, annotation).await?;
    }
    Ok(ExitCode::SUCCESS)
}

async fn print_annotation(
    storage: &crate::ops::store::DynOperations,
    a: &Annotation,
) -> anyhow::Result<()> {
    let certificate = storage.certificate_by_id(a.certificate).await?;
    println!(
        "{}  {}  certificate {}  applied {}  {} days  {}  attempts {}{}",
        a.number,
        a.code,
        certificate.record.number,
        china_minute(a.applied_at),
        a.validity.days(),
        a.state.code(),
        a.attempts,
        a.last_error
            .as_deref()
            .map(|e| format!("  error: {e}"))
            .unwrap_or_default()
    );
    Ok(())
}
