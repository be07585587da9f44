use crate::domain::IdType;
use crate::forms::FormState;
use crate::i18n::{t, use_lang, Msg};
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
    let invalid = move || state.field_error("id_type").is_some();
    view! {
        <div class="field" class:field--invalid=invalid>
            <label class="field__label" for="field-id_type">{t(Msg::FieldIdType)}</label>
            <div class="field__control">
                <select
                    id="field-id_type"
                    name="id_type"
                    aria-invalid=move || if invalid() { "true" } else { "false" }
                    aria-describedby="field-id_type-error"
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
            <p class="field__error" id="field-id_type-error" data-testid="error-id_type">
                {move || state.field_error("id_type").map(|text| text.render(lang))}
            </p>
        </div>
    }
}
