//! `server outbox`: what the development message gateway would have sent.

use clap::Args;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct OutboxArgs {
    /// Only messages to this mobile number.
    #[arg(long)]
    pub mobile: Option<String>,
    /// How many messages to show.
    #[arg(long, default_value_t = 20)]
    pub last: i64,
    /// Print only the code of the newest message (for scripts), or fail if there is none.
    #[arg(long)]
    pub code_only: bool,
}

pub async fn run(url: &str, args: OutboxArgs) -> anyhow::Result<ExitCode> {
    let storage = crate::open_storage(url, super::keys()?).await?;
    let messages = storage
        .outbox(args.mobile.as_deref(), args.last.clamp(1, 10_000))
        .await?;
    storage.close().await;
    if args.code_only {
        let code = messages.first().and_then(|m| code_in(&m.body));
        return Ok(match code {
            Some(code) => {
                println!("{code}");
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("no code in the outbox");
                ExitCode::FAILURE
            }
        });
    }
    if messages.is_empty() {
        println!("the outbox is empty");
    }
    for m in messages {
        println!(
            "{}  {}  {}",
            app::domain::time::china_minute(m.created_at),
            m.mobile,
            m.body
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The first run of exactly six digits in a message.
fn code_in(body: &str) -> Option<&str> {
    body.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_code_in_a_message() {
        let body = app::infra::CodePurpose::Register.message("042137");
        assert_eq!(super::code_in(&body), Some("042137"));
    }
}
