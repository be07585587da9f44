use crate::domain::IdType;
use crate::forms::FormState;
use crate::i18n::{t, use_lang, Msg};
use crate::islands::id_type_hint::{IdTypeHint, SELECT_ID};
use leptos::prelude::*;

/// The ID document type (证件类型) selector, defaulting to the resident ID card.
#[component]
pub fn IdTypeSelect(state: FormState) -> impl IntoView {
    let lang = use_lang();
    let chosen = {
        let echoed = state.value("id_type");
        if echoed.is_empty() {
            IdType::ResidentIdCard.code().to_string()
        } else {
            echoed
        }
    };
    // The hint follows the chosen type with JavaScript; without it, every type's format is in
    // the list below the field.
    let hints = IdType::ALL
        .into_iter()
        .map(|id_type| {
            (
                id_type.code().to_string(),
                id_type.hint().text(lang).to_string(),
            )
        })
        .collect::<Vec<_>>();
    let invalid = move || state.field_error("id_type").is_some();
    view! {
        <div class="field" class:field--invalid=invalid>
            <label class="field__label" for="field-id_type">{t(Msg::FieldIdType)}</label>
            <div class="field__control">
                <select
                    id=SELECT_ID
                    name="id_type"
                    aria-invalid=move || if invalid() { "true" } else { "false" }
                    aria-describedby="field-id_type-hint field-id_type-error"
                >
                    {IdType::ALL
                        .into_iter()
                        .map(|id_type| {
                            view! {
                                <option value=id_type.code() selected=chosen == id_type.code()>
                                    {id_type.label().text(lang)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <IdTypeHint prefix=t(Msg::IdFormatOfChosen).to_string() hints chosen=chosen.clone()/>
            <details class="id-formats">
                <summary>{t(Msg::IdFormatsTitle)}</summary>
                <ul>
                    {IdType::ALL
                        .into_iter()
                        .map(|id_type| view! {
                            <li>{id_type.label().text(lang)} {t(Msg::Colon)} {id_type.hint().text(lang)}</li>
                        })
                        .collect_view()}
                </ul>
            </details>
            <p class="field__error" id="field-id_type-error" data-testid="error-id_type">
                {move || state.field_error("id_type").map(|text| text.render(lang))}
            </p>
        </div>
    }
}
