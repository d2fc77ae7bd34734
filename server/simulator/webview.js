// Development only: plays the native side of Chatwoot's mobile app for a page opened with
// `simulate=mobile` (server/src/simulator/mobile.rs). The app runs top-level, as in the app's
// WebView; after `load` the context is injected into the page itself, and
// `window.ReactNativeWebView.postMessage('chatwoot-dashboard-app:fetch-info')` injects it again.
(function () {
  var query = new URLSearchParams(location.search);
  var conversation = query.get("conversation") || "1";
  var injected = 0;
  function inject() {
    fetch("/dev/mobile-context?conversation=" + encodeURIComponent(conversation))
      .then(function (response) { return response.text(); })
      .then(function (message) {
        injected += 1;
        document.documentElement.dataset.mobileInjected = String(injected);
        // What react-native-webview's injectJavaScript runs: a string, posted to the page
        // itself (source: this window; origin: this page's).
        window.postMessage(message);
      });
  }
  window.ReactNativeWebView = {
    postMessage: function (data) {
      document.documentElement.dataset.mobileAsked = data;
      if (data === "chatwoot-dashboard-app:fetch-info") inject();
    },
  };
  window.addEventListener("load", inject);
})();
