/*
 * The page's boot script: inlined into every page's <head> (with the CSP nonce) as
 * `crate::INBOX_SCRIPT`, so it runs before anything else, long before the wasm has started.
 *
 * 1. It keeps every `message` event in `window.__orderpaneInbox` until the wasm takes the
 *    array (ui/bridge/host.rs drains it and sets the property to null; the script then stops).
 *    The host bridge checks each event's window and origin, not this script.
 * 2. The first Chatwoot-family appContext (a JSON string) that comes from the host is POSTed
 *    at once to `api::panel::early_panel`
 *    (/api/panel/early), so the lookup overlaps the wasm's start. The promise of its answer's
 *    text (null when it failed) waits in `window.__orderpaneEarly` for
 *    `ui::bridge::host::take_early_lookup`, which leaves null there. The host is the parent
 *    window on the install's host origin when the page is framed (the web helpdesks); when the
 *    page is top-level (Chatwoot's mobile app opens it in a WebView and injects the context
 *    with `window.postMessage`), it is the page's own window on its own origin. A message from
 *    any other window (an opener, another frame) is never the host.
 * 3. The answer carries the panel rendered as HTML by the server: the script shows it in
 *    `#op-early` at once, and marks `<html data-early>` (the stylesheet then hides the waiting
 *    state), so the agent reads the panel before the wasm has started. It shows nothing once
 *    the page has shown its own panel, and takes the panel down if the host posts a different
 *    context first. The wasm later shows the same HTML as its own panel (adopted, not rendered
 *    again) and empties this element. Once the panel is shown, the script calls
 *    `window.__orderpaneGo` (ui/wasm_start.rs), which starts the wasm if it has not started.
 *
 * The session comes from the `<meta name="orderpane-…">` tags (ui/bridge/session.rs), read when a
 * message arrives: they come after this script in the page. Unit tests in ui/bridge/session.rs
 * and api/panel.rs look for `m('install')`, `m('session')`, `m('host-origin')`, the meta selector
 * and `fetch('/api/panel/early'` written exactly so; end2end/tests/boot_script.spec.ts runs
 * this file, as written and as inlined, in a browser.
 *
 * The page pays for every byte on every load, so app/build.rs inlines a compact copy:
 * - A line that starts with `//` is removed, and so are the lines from one that starts with
 *   `/*` to the next one that ends with `*\/` (after indentation).
 * - Every other line loses its indentation and trailing spaces; blank lines go.
 * - A line break is dropped after a line ending in `{ ( [ , ; || &&` or before a line starting
 *   with `} ) ]`; every other one stays a single newline, so automatic semicolons and
 *   `return`<newline> mean what they mean here.
 * - Spaces inside a line are kept, so the code is written tight: one clause a line.
 * The build refuses (names the line) code lines containing `//` or `/*` (comments after code,
 * or those characters in a string or regex), a backtick, or a trailing backslash: the rules
 * above cannot keep those safe. Write such a string as '/'+'/' instead.
 */
(function(w,d){
var q=[];
w.__orderpaneInbox=q;
// A session tag's content ('' when the page has none: then no origin matches).
function m(n){
var e=d.querySelector('meta[name="orderpane-'+n+'"]');
return e?e.content:''
}
// The host's appContext the early lookup was made for, and whether another came since.
var asked,stale;
// Shows the server-rendered panel of the early lookup's answer, unless the page has shown
// its own already (the wasm sets __orderpaneEarlyDone, ui/bridge/host.rs drop_early_view) or
// another context came first (an agent must never see one contact's panel under another's).
// The wasm, once it shows the same panel (the same HTML, adopted), takes its place.
function show(t){
var a,v=d.getElementById('op-early');
if(!t||!v||stale||w.__orderpaneEarlyDone)return;
try{a=JSON.parse(t)}catch(x){return}
if(typeof a.html!=='string'||!a.html)return;
v.innerHTML=a.html;
d.documentElement.setAttribute('data-early','')
}
// Takes the early panel down when the host says something else before the wasm is up.
function hide(){
var v=d.getElementById('op-early');
stale=true;
if(v)v.innerHTML='';
d.documentElement.removeAttribute('data-early')
}
w.addEventListener('message',function(e){
// Once the wasm has taken the inbox, it handles messages itself: the script is done.
if(w.__orderpaneInbox!==q)return;
q.push(e);
// Only the host: framed, the parent window on the install's host origin; top-level (the
// mobile app's WebView), the page's own window on its own origin,...
if((w.parent!==w?e.source!==w.parent||e.origin!==m('host-origin'):e.source!==w||e.origin!==location.origin)||
// ...with Chatwoot's appContext (a string; Lime Connect posts objects and waits for `ready`).
typeof e.data!=='string'||e.data.indexOf('"appContext"')<0
)return;
// Only one early lookup; a different context after it makes its panel stale.
if(w.__orderpaneEarly!==undefined){
if(e.data!==asked)hide();
return
}
asked=e.data;
// The body api::early_panel reads: the page's session, the message as it came, and the
// browser's language (the server renders the panel's HTML in its locale, as for the wasm).
w.__orderpaneEarly=fetch('/api/panel/early',{
method:'POST',
headers:{'content-type':'application/json'},
body:JSON.stringify({
session:{install:m('install'),token:m('session')},
message:e.data,
language:navigator.language||null
})
}).then(function(r){
return r.ok?r.text():null
},function(){
return null
});
// The wasm's start (ui/wasm_start.rs) waits for this panel to be on screen, so that its
// compiling does not hold the panel up.
w.__orderpaneEarly.then(show).then(function(){
if(w.__orderpaneGo)w.__orderpaneGo()
})
})
})(window,document)
