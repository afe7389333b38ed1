// graphene-django's GraphiQL reads window.GRAPHENE_SETTINGS; the page gives them as data attributes of #editor
// (an inline <script> would need 'unsafe-inline' in the Content-Security-Policy).
(function () {
  var editor = document.getElementById("editor");
  var data = editor ? editor.dataset : {};
  var settings = {
    graphiqlHeaderEditorEnabled: data.headerEditor === "true",
    graphiqlShouldPersistHeaders: data.persistHeaders === "true",
    graphiqlInputValueDeprecation: data.inputValueDeprecation === "true",
  };
  if (data.subscriptionPath) {
    settings.subscriptionPath = data.subscriptionPath;
  }
  window.GRAPHENE_SETTINGS = settings;
})();
