//! Copying text inside a helpdesk iframe, where `navigator.clipboard` is usually blocked
//! (Chatwoot's iframe has no `allow="clipboard-write"`).

/// The stylesheet's class that takes the copy buffer off-screen (`style/main.css`).
pub const OFFSCREEN_CLASS: &str = "clipboard-buffer";

/// Copies `text` the way that still works in a cross-origin iframe without the clipboard
/// permission: a selected, off-screen textarea and `execCommand("copy")`, inside the click
/// that asked for it. Returns whether the browser says it copied; when it did not, the
/// caller shows the text for the agent to copy by hand.
pub fn copy(text: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::document;
        use wasm_bindgen::JsCast;

        let document = document();
        let Some(body) = document.body() else {
            return false;
        };
        let Some(area) = document
            .create_element("textarea")
            .ok()
            .and_then(|element| element.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        else {
            return false;
        };
        area.set_value(text);
        let _ = area.set_attribute("readonly", "");
        // Placed off-screen by a class: the page's CSP (`style-src 'self'`) blocks inline
        // `style` attributes set from script.
        area.set_class_name(OFFSCREEN_CLASS);
        if body.append_child(&area).is_err() {
            return false;
        }
        area.select();
        let copied = document
            .dyn_ref::<web_sys::HtmlDocument>()
            .and_then(|html| html.exec_command("copy").ok())
            .unwrap_or(false);
        area.remove();
        copied
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = text;
        false
    }
}
