use crate::components::rare_chars::{error_lines, glyph_url, strokes_label, PickerQuery};
use crate::i18n::{t, use_lang, Lang, Msg};
use crate::server_fns::rare_chars::search_rare_chars;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The picker as a plain page (no JavaScript needed): search by pinyin, narrowed by radical,
/// strokes or to the extension blocks, and copy the character.
#[component]
pub fn RareCharsPage() -> impl IntoView {
    let lang = use_lang();
    let query = move || {
        use_query_map().with(|q| PickerQuery {
            q: q.get("q").unwrap_or_default(),
            strokes: q.get("strokes").unwrap_or_default(),
            radical: q.get("radical").unwrap_or_default(),
            rare: q.get("rare").is_some_and(|v| !v.is_empty()),
        })
    };
    let now = query();
    let results = Resource::new_blocking(query, |query| async move {
        if query.is_blank() {
            None
        } else {
            let PickerQuery {
                q,
                strokes,
                radical,
                rare,
            } = query;
            Some(search_rare_chars(q, strokes, radical, rare).await)
        }
    });
    view! {
        <Title text=t(Msg::RareCharTitle)/>
        <section class="panel">
            <h1>{t(Msg::RareCharTitle)}</h1>
            <p>{t(Msg::RareCharPageIntro)}</p>
            <form method="get" action="/rare-chars" class="form form--inline" role="search">
                <label class="field__label" for="rare-q">{t(Msg::PinyinLabel)}</label>
                <div class="field__control">
                    <input id="rare-q" name="q" type="search" value=now.q autocomplete="off"
                        autocapitalize="off" spellcheck="false" placeholder="yan / yan3 / yǎn"/>
                    <button type="submit" class="button">{t(Msg::Search)}</button>
                </div>
                <div class="picker-filters">
                    <div class="field">
                        <label class="field__label" for="rare-radical">{t(Msg::RadicalLabel)}</label>
                        <input id="rare-radical" name="radical" type="text" value=now.radical
                            autocomplete="off" spellcheck="false" aria-describedby="rare-radical-hint"/>
                    </div>
                    <div class="field">
                        <label class="field__label" for="rare-strokes">{t(Msg::StrokesLabel)}</label>
                        <input id="rare-strokes" name="strokes" type="text" value=now.strokes
                            autocomplete="off" spellcheck="false" aria-describedby="rare-strokes-hint"/>
                    </div>
                </div>
                <p class="field__hint" id="rare-radical-hint">{t(Msg::RadicalHint)}</p>
                <p class="field__hint" id="rare-strokes-hint">{t(Msg::StrokesHint)}</p>
                <label class="choice">
                    <input type="checkbox" name="rare" value="1" checked=now.rare/>
                    <span>{t(Msg::RareOnlyLabel)}</span>
                </label>
            </form>
        </section>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || results.get().flatten().map(|answer| match answer {
                Err(err) => view! {
                    <div class="notice notice--error" role="alert">
                        {error_lines(&err, lang).into_iter().map(|line| view! { <p>{line}</p> }).collect_view()}
                    </div>
                }.into_any(),
                Ok(list) if list.is_empty() => view! {
                    <p class="notice notice--info">{t(Msg::RareCharNone)}</p>
                }.into_any(),
                Ok(list) => view! {
                    <p>{tf_count(lang, list.len())}</p>
                    <ul class="copy-list">
                        {list.into_iter().map(|c| {
                            let block = if lang == Lang::Zh { c.block_zh.clone() } else { c.block_en.clone() };
                            view! {
                                <li class="copy-list__item">
                                    <img src=glyph_url(&c.hex) alt="" width="56" height="56" loading="lazy"/>
                                    <input class="copy-list__char" readonly value=c.ch.clone()
                                        aria-label=format!("{} U+{}", c.ch, c.hex)/>
                                    <span class="copy-list__meta">
                                        <span>{c.readings.join(" ")}</span>
                                        <span>"U+" {c.hex.clone()}</span>
                                        <span>{block}" · "{strokes_label(c.strokes, lang)}</span>
                                    </span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Suspense>
    }
}

fn tf_count(lang: Lang, n: usize) -> String {
    Msg::RareCharCount.format(lang, &[&n.to_string()])
}
