//! Forms, one code path on the server.
//!
//! Every form is a plain `<form method="post">` to its page's own URL, with or without
//! JavaScript (forms are not islands: nothing of them ships to the browser). The server runs
//! the action and either redirects (success) or renders the same page again with the typed
//! values and the errors ([`FormEcho`]). The actions are also server functions, for API
//! clients.

use crate::error::AppError;
use crate::i18n::{t, use_lang, Msg, Text};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a successful action tells the page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormDone {
    /// Where to go next (full page load, so the header reflects a new session).
    pub redirect: Option<String>,
    /// A confirmation to show when staying on the page.
    pub message: Option<Text>,
    /// Leave what was typed in the form (a verification answer is read beside the values it
    /// answers; a verifier with one wrong digit must be able to see it). Otherwise a form
    /// that succeeded is emptied.
    #[serde(default)]
    pub keep_values: bool,
}

impl FormDone {
    pub fn redirect(to: impl Into<String>) -> FormDone {
        FormDone {
            redirect: Some(to.into()),
            ..FormDone::default()
        }
    }

    pub fn message(text: impl Into<Text>) -> FormDone {
        FormDone {
            message: Some(text.into()),
            ..FormDone::default()
        }
    }

    /// Stay on the page with the form as it was typed.
    pub fn keep_values() -> FormDone {
        FormDone {
            keep_values: true,
            ..FormDone::default()
        }
    }
}

/// What the server sends back into a page after a form post without JavaScript: the values as
/// typed (never passwords) and the outcome.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormEcho {
    /// The form the echo belongs to (a page may have several).
    pub form: String,
    pub values: Vec<(String, String)>,
    pub error: Option<AppError>,
    pub message: Option<Text>,
}

impl FormEcho {
    pub fn value(&self, field: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, v)| v.as_str())
    }
}

/// Field values a form may send back to the page after an error. Implementations leave out
/// passwords.
pub trait EchoValues {
    fn echo_values(&self) -> Vec<(String, String)>;
}

/// The state of one form on a page: its errors, its last confirmation, and the values to
/// pre-fill.
#[derive(Clone, Copy)]
pub struct FormState {
    pub error: RwSignal<Option<AppError>>,
    pub message: RwSignal<Option<Text>>,
    echo: StoredValue<FormEcho>,
}

impl FormState {
    /// Creates the state for the form named `form`, starting from the server's echo if the
    /// page is the answer to a post of that form.
    pub fn new(form: &'static str) -> FormState {
        let shared = SharedValue::new(move || {
            #[cfg(feature = "ssr")]
            {
                use_context::<FormEcho>()
                    .filter(|echo| echo.form == form)
                    .unwrap_or_default()
            }
            #[cfg(not(feature = "ssr"))]
            {
                let _ = form;
                FormEcho::default()
            }
        });
        let echo = shared.into_inner();
        FormState {
            error: RwSignal::new(echo.error.clone()),
            message: RwSignal::new(echo.message.clone()),
            echo: StoredValue::new(echo),
        }
    }

    /// The value to pre-fill `field` with (empty unless the server echoed one).
    pub fn value(&self, field: &str) -> String {
        self.echo
            .with_value(|echo| echo.value(field).map(str::to_string))
            .unwrap_or_default()
    }

    pub fn field_error(&self, field: &str) -> Option<Text> {
        self.error
            .with(|e| e.as_ref().and_then(|e| e.field_text(field)).cloned())
    }
}

/// A form-level notice: the error that is not about one field, or a summary of the field
/// errors; or the confirmation of success.
#[component]
pub fn FormNotice(state: FormState) -> impl IntoView {
    let lang = use_lang();
    move || {
        if let Some(error) = state.error.get() {
            let text = match &error {
                AppError::Invalid(errors) => {
                    Msg::FormHasErrors.format(lang, &[&errors.len().to_string()])
                }
                other => other.user_message(lang),
            };
            view! {
                <div class="notice notice--error" role="alert" data-testid="form-error">
                    <span class="notice__icon" aria-hidden="true">"!"</span>
                    <span>{text}</span>
                </div>
            }
            .into_any()
        } else if let Some(message) = state.message.get() {
            view! {
                <div class="notice notice--ok" role="status" data-testid="form-done">
                    <span class="notice__icon" aria-hidden="true">"✓"</span>
                    <span>{message.render(lang)}</span>
                </div>
            }
            .into_any()
        } else {
            ().into_any()
        }
    }
}

/// A labelled input with its hint and its error, wired for assistive technology.
#[component]
pub fn Field(
    state: FormState,
    name: &'static str,
    label: Msg,
    #[prop(optional)] hint: Option<Msg>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] maxlength: Option<usize>,
    /// Whether the server may pre-fill it (never for passwords).
    #[prop(default = true)]
    prefill: bool,
    /// Extra controls after the input (e.g. the rare-character button).
    #[prop(optional)]
    children: Option<Children>,
    /// The element id, when two forms on one page have a field of the same name.
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    let lang = use_lang();
    let id = id
        .map(str::to_string)
        .unwrap_or_else(|| format!("field-{name}"));
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let value = if prefill {
        state.value(name)
    } else {
        String::new()
    };
    let invalid = move || state.field_error(name).is_some();
    let describedby = {
        let hint_id = hint_id.clone();
        let error_id = error_id.clone();
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if invalid() {
                ids.push(error_id.clone());
            }
            ids.join(" ")
        }
    };
    view! {
        <div class="field" class:field--invalid=invalid>
            <label class="field__label" for=id.clone()>{t(label)}</label>
            <div class="field__control">
                <input
                    id=id
                    name=name
                    type=kind
                    value=value
                    autocomplete=autocomplete
                    inputmode=inputmode
                    maxlength=maxlength.map(|m| m.to_string())
                    aria-invalid=move || if invalid() { "true" } else { "false" }
                    aria-describedby=describedby
                />
                {children.map(|c| c())}
            </div>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id>{t(h)}</p> })}
            <p class="field__error" id=error_id data-testid=format!("error-{name}")>
                {move || state.field_error(name).map(|text| text.render(lang))}
            </p>
        </div>
    }
}

/// The submit button.
#[component]
pub fn SubmitButton(label: Msg) -> impl IntoView {
    view! { <button type="submit" class="button">{t(label)}</button> }
}
