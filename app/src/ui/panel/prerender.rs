//! The panel rendered on the server, for the early lookup's answer: the boot script shows
//! this HTML as soon as the answer arrives, before the wasm has started; the wasm then renders
//! the same panel from the same data and takes its place (`take_over_from_the_early_view`).

use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;
use orderpane::locale::Locale;

use super::actions::PanelActions;
use super::format::AgentLocale;
use super::search::SearchContext;
use crate::model::panel::Panel;
use crate::ui::bridge::host::use_host_bridge;

/// `panel` as the page renders it for a browser whose language is `language`, as HTML.
///
/// The same components the page uses, under the contexts they expect (with nothing chosen,
/// selected or copied yet: the page has not been used); their event handlers do nothing
/// until the wasm has taken over.
pub fn prerender(panel: &Panel, language: &str) -> String {
    let owner = Owner::new();
    let html = owner.with(|| {
        let bridge = use_host_bridge();
        let actions = PanelActions::new(bridge);
        provide_context(actions);
        let language = language.to_owned();
        provide_context(AgentLocale(Memo::new(move |_| Locale::parse(&language))));
        provide_context(SearchContext {
            bridge,
            proof: actions.proof,
            reload: actions.reload,
        });
        super::panel_view(panel.clone()).to_html()
    });
    owner.cleanup();
    html
}
