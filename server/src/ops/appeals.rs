//! `server appeals`: the operator's side of 账号申诉. List and read the filed appeals (with the
//! ID photo), and decide them. Each decision is written with its audit line in one
//! transaction; approving locks the account that holds the ID number, ends its sessions and
//! lets the appellant register with it.

use app::appeals::service::{self, DecisionError};
use app::domain::appeal::{Appeal, AppealDecision, AppealState};
use app::domain::time::china_minute;
use clap::{Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum AppealsCommand {
    /// List filed appeals, oldest first: number N, appeal number, state, filed, ID number
    /// (masked) and name.
    List {
        /// Only appeals in this state.
        #[arg(long, value_enum)]
        state: Option<StateArg>,
        /// At most this many.
        #[arg(long, default_value_t = 200)]
        limit: i64,
    },
    /// Show appeal N in full: who appeals, the mobile number they proved, the statement, the
    /// ID photo's type and size, and the decision.
    Show {
        /// The appeal's N (from `server appeals list`).
        n: i64,
        /// Write the ID photo to this file (it must not exist yet).
        #[arg(long, value_name = "PATH")]
        save_photo: Option<PathBuf>,
    },
    /// Approve appeal N: the account holding the ID number is locked (it cannot sign in any
    /// more, its sessions end, it is kept for the audit trail) and the appellant may
    /// register with the ID number.
    Approve {
        /// The appeal's N (from `server appeals list`).
        n: i64,
        /// A note for the audit log (not shown to the appellant).
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Reject appeal N with a reason, which the appellant sees on the status page.
    Reject {
        /// The appeal's N (from `server appeals list`).
        n: i64,
        /// Why (at most 500 characters; shown to the appellant).
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum StateArg {
    Pending,
    Approved,
    Rejected,
}

impl From<StateArg> for AppealState {
    fn from(state: StateArg) -> AppealState {
        match state {
            StateArg::Pending => AppealState::Pending,
            StateArg::Approved => AppealState::Approved,
            StateArg::Rejected => AppealState::Rejected,
        }
    }
}

pub async fn run(url: &str, command: AppealsCommand) -> anyhow::Result<ExitCode> {
    let storage = crate::open_storage(url, super::keys()?).await?;
    let result = match command {
        AppealsCommand::List { state, limit } => {
            list(&storage, state.map(Into::into), limit.clamp(1, 10_000)).await
        }
        AppealsCommand::Show { n, save_photo } => show(&storage, n, save_photo).await,
        AppealsCommand::Approve { n, note } => {
            decide(&storage, n, AppealDecision::Approve { note }).await
        }
        AppealsCommand::Reject { n, reason } => {
            decide(&storage, n, AppealDecision::Reject { reason }).await
        }
    };
    storage.close().await;
    result
}

async fn list(
    storage: &app::storage::DynStorage,
    state: Option<AppealState>,
    limit: i64,
) -> anyhow::Result<ExitCode> {
    let appeals = storage.appeals(state, limit).await?;
    if appeals.is_empty() {
        println!("no appeals");
    }
    for a in appeals {
        println!(
            "{:>5}  {}  {:<8}  {}  {} {}  {}",
            a.id,
            a.number.as_deref().unwrap_or("-"),
            a.state.code(),
            a.filed_at.map(china_minute).unwrap_or_default(),
            a.id_number.id_type().code(),
            a.id_number.masked(),
            a.name.as_str(),
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_appeal(a: &Appeal) {
    println!(
        "appeal        {} (N {})",
        a.number.as_deref().unwrap_or("-"),
        a.id
    );
    println!("state         {}", a.state.code());
    println!(
        "filed         {}",
        a.filed_at.map(china_minute).unwrap_or_default()
    );
    println!(
        "ID document   {} {}",
        a.id_number.id_type().code(),
        a.id_number.as_str()
    );
    println!("name          {}", a.name.as_str());
    println!("mobile        {} (proven by a code)", a.mobile.as_str());
    println!(
        "ID photo      {}, {} bytes, sha256 {}",
        a.photo_type.content_type(),
        a.photo_size,
        a.photo_sha256
    );
    if let Some(at) = a.decided_at {
        println!(
            "decided       {} by {}",
            china_minute(at),
            a.decided_by.as_deref().unwrap_or("-")
        );
    }
    if let Some(note) = &a.decision_note {
        let label = if a.state == AppealState::Rejected {
            "reason"
        } else {
            "note"
        };
        println!("{label:<14}{note}");
    }
    if let Some(holder) = a.locked_holder {
        println!("locked        holder {}", holder.0);
    }
    println!("statement");
    for line in a.statement.lines() {
        println!("  {line}");
    }
}

async fn show(
    storage: &app::storage::DynStorage,
    n: i64,
    save_photo: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let Some(appeal) = storage.appeal(n).await? else {
        anyhow::bail!("there is no filed appeal {n}");
    };
    print_appeal(&appeal);
    if let Some(path) = save_photo {
        let bytes = storage
            .get_blob(&appeal.photo_sha256)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the ID photo of appeal {n} is missing"))?;
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", path.display()))?;
        file.write_all(&bytes)?;
        println!(
            "ID photo saved to {} ({}; a .{} file)",
            path.display(),
            appeal.photo_type.content_type(),
            appeal.photo_type.extension()
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn decide(
    storage: &app::storage::DynStorage,
    n: i64,
    decision: AppealDecision,
) -> anyhow::Result<ExitCode> {
    let approving = matches!(decision, AppealDecision::Approve { .. });
    let now = app::infra::Clock::default().now();
    match service::decide(storage, n, decision, &super::actor(), now).await {
        Ok(decided) => {
            if approving {
                match decided.locked_holder {
                    Some(holder) => println!(
                        "appeal {n} approved: account {} locked, {} session(s) ended; the appellant may register",
                        holder.0, decided.sessions_ended
                    ),
                    None => println!(
                        "appeal {n} approved: no account holds the ID number any more; the appellant may register"
                    ),
                }
            } else {
                println!("appeal {n} rejected; the appellant sees the reason");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(DecisionError::Storage(e)) => Err(e.into()),
        Err(refused) => anyhow::bail!("{refused}"),
    }
}
